using System.CommandLine;
using System.CommandLine.Completions;
using System.CommandLine.Help;
using System.CommandLine.Invocation;
using System.CommandLine.Parsing;
using System.Globalization;
using System.Text.RegularExpressions;

namespace Affect.Cli;

/// <summary>
/// The System.CommandLine tree of <c>affect</c>, built from <see cref="CommandRegistry.All"/>: each <see cref="CliCommand"/>
/// becomes a (sub)command with its declared options, flags and positional arguments, so a command is declared once
/// (usage, options, run) and gets parsing, validation, <c>--help</c> and shell completion (<c>[suggest]</c>) from here.
/// Help prints the command's own usage text; parse errors become one <see cref="UsageException"/> line (exit 2).
/// </summary>
internal sealed partial class CommandTree
{
    private readonly Dictionary<Command, Leaf> leaves = [];
    private readonly HashSet<string> groups = new(StringComparer.Ordinal);

    /// <summary>Builds the tree of <paramref name="commands"/>.</summary>
    /// <param name="commands">The registry.</param>
    /// <param name="args">
    /// The command line the tree is for: only the command it names gets its options and arguments (every command is
    /// still there by name, for errors and help), which keeps a process's start-up short; null or a directive such as
    /// <c>[suggest]</c> (completion of any command) builds everything.
    /// </param>
    public CommandTree(IReadOnlyList<CliCommand> commands, IReadOnlyList<string>? args = null)
    {
        bool everything = args is null || args.Count == 0 || args[0].StartsWith('[');
        Root = new RootCommand("affect — acoustic emotion recognition pipeline (Kaya, Fedotov et al., Interspeech 2018)");
        foreach (var option in Root.Options.OfType<HelpOption>())
        {
            option.Action = new UsageAction(this);
        }

        if (!Root.Directives.OfType<SuggestDirective>().Any())
        {
            Root.Add(new SuggestDirective());
        }

        foreach (var cli in commands)
        {
            string[] words = cli.Name.Split(' ');
            Command parent = Root;
            for (int i = 0; i < words.Length - 1; i++)
            {
                groups.Add(words[i]);
                parent = parent.Subcommands.FirstOrDefault(c => c.Name == words[i]) ?? Added(parent, new Command(words[i]));
            }

            var command = Added(parent, new Command(words[^1], cli.Usage));
            var options = new Dictionary<string, Option>(StringComparer.Ordinal);
            if (!everything && !(args!.Count >= words.Length && words.AsSpan().SequenceEqual(args.Take(words.Length).ToArray())))
            {
                leaves[command] = new Leaf(cli, options, null); // named only: help and errors still know it
                continue;
            }

            var choices = Choices(cli.Usage);
            foreach (string name in cli.Options)
            {
                var option = new Option<string[]>("--" + name) { Arity = ArgumentArity.OneOrMore, AllowMultipleArgumentsPerToken = false };
                if (choices.TryGetValue(name, out var values))
                {
                    option.CompletionSources.Add(values);
                }

                command.Add(option);
                options[name] = option;
            }

            foreach (string name in cli.Flags)
            {
                var flag = new Option<bool>("--" + name) { Arity = ArgumentArity.Zero };
                command.Add(flag);
                options[name] = flag;
            }

            Argument<string[]>? positional = null;
            if (cli.MaxPositional > 0)
            {
                positional = new Argument<string[]>("arguments")
                {
                    Arity = new ArgumentArity(cli.MinPositional, Math.Min(cli.MaxPositional, 100_000)),
                    CustomParser = r => [.. r.Tokens.Select(t => t.Value)], // also for a maximum of one word (no scalar conversion)
                };
                command.Add(positional);
            }

            var leaf = new Leaf(cli, options, positional);
            leaves[command] = leaf;
            command.SetAction((result, cancellationToken) => cli.Run(leaf.ArgumentsOf(result), cancellationToken));
        }

        var help = new Command("help", "the usage of one command or of a group");
        var helpWords = new Argument<string[]>("command") { Arity = ArgumentArity.ZeroOrMore };
        help.Add(helpWords);
        help.SetAction(result =>
        {
            Console.Out.Write(HelpFor(result.GetValue(helpWords) ?? []));
            return 0;
        });
        Root.Add(help);
    }

    /// <summary>The root command (<c>affect</c>).</summary>
    public RootCommand Root { get; }

    /// <summary>Parses and runs <paramref name="args"/>: a command, its help, or a directive such as <c>[suggest]</c>.</summary>
    /// <exception cref="UsageException">The arguments do not parse: unknown command, option or argument, or a missing value.</exception>
    public async Task<int> InvokeAsync(string[] args, CancellationToken cancellationToken)
    {
        // Arguments are taken literally: a file named @list is a file, not a response file to expand.
        var result = Root.Parse(args, new ParserConfiguration { ResponseFileTokenReplacer = null });
        // The checks the grammar cannot express apply when the command itself would run (not --help, not [suggest]).
        var command = result.CommandResult.Command;
        var leaf = leaves.GetValueOrDefault(command);
        bool runs = leaf is not null && result.Action == command.Action;
        if (runs || (leaf is not null && result.Action is ParseErrorAction))
        {
            leaf!.RejectFlagValues(args);
        }

        if (result.Action is ParseErrorAction)
        {
            throw new UsageException(ErrorOf(result, args));
        }

        if (runs)
        {
            leaf!.RejectOptionLikePositionals(result);
        }

        var invocation = new InvocationConfiguration
        {
            EnableDefaultExceptionHandler = false, // AffectCommand turns exceptions into one line and an exit code
            ProcessTerminationTimeout = null, // AffectCommand handles SIGINT/SIGTERM (exit 130/143)
            Output = Console.Out,
            Error = Console.Error,
        };
        return await result.InvokeAsync(invocation, cancellationToken);
    }

    /// <summary>Parses <paramref name="args"/> (the words after its name) as <paramref name="command"/>'s arguments, without running it.</summary>
    /// <exception cref="UsageException">The arguments do not parse.</exception>
    public static Arguments ArgumentsOf(CliCommand command, IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(command);
        string[] line = [.. command.Name.Split(' '), .. args];
        var tree = new CommandTree([command], line);
        var result = tree.Root.Parse(line, new ParserConfiguration { ResponseFileTokenReplacer = null });
        var leaf = tree.leaves.Values.Single();
        leaf.RejectFlagValues(line);
        if (result.Action is ParseErrorAction)
        {
            throw new UsageException(tree.ErrorOf(result, line));
        }

        leaf.RejectOptionLikePositionals(result);
        return leaf.ArgumentsOf(result);
    }

    /// <summary>The usage text for <c>affect help WORDS</c>: one command's, or every command of a group (<c>features</c>).</summary>
    public string HelpFor(IReadOnlyList<string> words)
    {
        if (words.Count == 0 || words is ["help"])
        {
            return AffectCommand.Usage;
        }

        string name = string.Join(' ', words);
        if (leaves.Values.FirstOrDefault(l => l.Cli.Name == name) is { } leaf)
        {
            return leaf.Cli.Help;
        }

        var group = words.Count == 1 ? Group(words[0]) : [];
        return group.Count > 0
            ? string.Concat(group.Select(c => c.Help))
            : throw new UsageException($"no command 'affect {name}' (see affect --help)");
    }

    private static Command Added(Command parent, Command child)
    {
        parent.Add(child);
        return child;
    }

    /// <summary>The values of every <c>--name a|b|c</c> in a usage text, by option name: offered as completions.</summary>
    private static Dictionary<string, string[]> Choices(string usage)
    {
        var choices = new Dictionary<string, string[]>(StringComparer.Ordinal);
        foreach (Match m in OptionWithChoices().Matches(usage))
        {
            choices.TryAdd(m.Groups[1].Value, m.Groups[2].Value.Split('|'));
        }

        return choices;
    }

    [GeneratedRegex(@"--([A-Za-z0-9-]+) ([A-Za-z0-9-]+(?:\|[A-Za-z0-9-]+)+)")]
    private static partial Regex OptionWithChoices();

    private static bool IsOptionLike(string token) =>
        token.Length > 1 && token[0] == '-' && !double.TryParse(token, NumberStyles.Float, CultureInfo.InvariantCulture, out _);

    private List<CliCommand> Group(string word) => [.. leaves.Values.Select(l => l.Cli).Where(c => c.Name.StartsWith(word + " ", StringComparison.Ordinal))];

    /// <summary>One line that says what is wrong with <paramref name="args"/>, naming the offending words.</summary>
    private string ErrorOf(ParseResult result, string[] args)
    {
        var command = result.CommandResult.Command;
        var unmatched = result.UnmatchedTokens.ToList();
        if (command == Root)
        {
            return args.Length == 0 || unmatched.Count == 0
                ? "a command is needed (see affect --help)"
                : $"unknown command '{unmatched[0]}' (commands: {string.Join(", ", leaves.Values.Select(l => l.Cli.Name.Split(' ')[0]).Distinct())}; see affect --help)";
        }

        if (!leaves.TryGetValue(command, out var leaf))
        {
            // A group such as 'features' without (or with an unknown) subcommand.
            string sub = unmatched.Count > 0 ? $"unknown subcommand '{unmatched[0]}'" : "a subcommand is needed";
            return $"affect {command.Name}: {sub} ({string.Join(", ", Group(command.Name).Select(c => c.Name[(command.Name.Length + 1)..]))}; see affect {command.Name} --help)";
        }

        var cli = leaf.Cli;
        // System.CommandLine takes an unknown option-like word as a positional argument when the command has room for one.
        var optionLikePositionals = leaf.Positional is null ? [] : result.GetResult(leaf.Positional)?.Tokens.Select(t => t.Value).Where(IsOptionLike) ?? [];
        var (unknown, stray) = UnknownAndStray(args, [.. unmatched, .. optionLikePositionals]);
        if (unknown.Count > 0)
        {
            return $"unknown option{(unknown.Count > 1 ? "s" : string.Empty)} for 'affect {cli.Name}': {string.Join(", ", unknown)} (see affect {cli.Name} --help)";
        }

        if (stray.Count > 0)
        {
            return $"unexpected argument{(stray.Count > 1 ? "s" : string.Empty)} for 'affect {cli.Name}': {string.Join(", ", stray.Select(s => $"'{s}'"))} (see affect {cli.Name} --help)";
        }

        var error = result.Errors[0];
        return error.SymbolResult switch
        {
            OptionResult o when o.Option.Arity.MaximumNumberOfValues > 0 && o.Tokens.Count == 0 => $"option {o.Option.Name} needs a value",
            ArgumentResult a when a.Argument == leaf.Positional && a.Tokens.Count < cli.MinPositional =>
                $"affect {cli.Name}: {cli.MinPositional} argument{(cli.MinPositional > 1 ? "s" : string.Empty)} needed, {a.Tokens.Count} given (see affect {cli.Name} --help)",
            _ => $"affect {cli.Name}: {error.Message} (see affect {cli.Name} --help)",
        };
    }

    /// <summary>
    /// Splits the words nothing accepted into unknown options and stray arguments, in command-line order; a word right
    /// after an unknown option is most likely its value and is not reported a second time.
    /// </summary>
    private static (List<string> Unknown, List<string> Stray) UnknownAndStray(string[] args, List<string> unmatched)
    {
        var left = new List<string>(unmatched);
        List<string> unknown = [], stray = [];
        bool afterUnknown = false;
        foreach (string arg in args)
        {
            string word = arg.StartsWith("--", StringComparison.Ordinal) && arg.IndexOf('=', StringComparison.Ordinal) is > 2 and int eq ? arg[..eq] : arg;
            int at = left.IndexOf(arg) is >= 0 and int i ? i : left.IndexOf(word);
            if (at < 0)
            {
                afterUnknown = false;
                continue;
            }

            left.RemoveAt(at);
            if (IsOptionLike(word))
            {
                unknown.Add(word);
                afterUnknown = !arg.Contains('=', StringComparison.Ordinal);
            }
            else if (!afterUnknown)
            {
                stray.Add(arg);
            }
            else
            {
                afterUnknown = false;
            }
        }

        return (unknown, stray);
    }

    /// <summary>A registry command in the tree: its options and positional argument, to read the parse result back.</summary>
    private sealed class Leaf(CliCommand cli, IReadOnlyDictionary<string, Option> options, Argument<string[]>? positional)
    {
        public CliCommand Cli { get; } = cli;

        public Argument<string[]>? Positional { get; } = positional;

        /// <summary>A usage error the grammar cannot express: a flag given a value (<c>--grid=yes</c>).</summary>
        public void RejectFlagValues(string[] args)
        {
            foreach (string flag in Cli.Flags)
            {
                if (args.Any(a => a.StartsWith($"--{flag}=", StringComparison.Ordinal) || a.StartsWith($"--{flag}:", StringComparison.Ordinal)))
                {
                    throw new UsageException($"option --{flag} takes no value (see affect {Cli.Name} --help)");
                }
            }
        }

        /// <summary>A usage error the grammar cannot express: an option-like word (<c>-q</c>) taken as a positional argument.</summary>
        public void RejectOptionLikePositionals(ParseResult result)
        {
            var unknown = Positional is null ? [] : (result.GetValue(Positional) ?? []).Where(IsOptionLike).ToList();
            if (unknown.Count > 0)
            {
                throw new UsageException($"unknown option{(unknown.Count > 1 ? "s" : string.Empty)} for 'affect {Cli.Name}': {string.Join(", ", unknown)} (see affect {Cli.Name} --help)");
            }
        }

        /// <summary>The parsed words as the <see cref="Arguments"/> the command's body reads.</summary>
        public Arguments ArgumentsOf(ParseResult result)
        {
            var given = new Dictionary<string, List<string>>(StringComparer.Ordinal);
            foreach (var (name, option) in options)
            {
                if (result.GetResult(option) is not { Implicit: false } r)
                {
                    continue;
                }

                given[name] = option.Arity.MaximumNumberOfValues == 0
                    ? [.. Enumerable.Repeat("true", Math.Max(1, r.IdentifierTokenCount))]
                    : [.. r.Tokens.Select(t => t.Value)];
            }

            return new Arguments(Cli, given, Positional is null ? [] : [.. result.GetValue(Positional) ?? []]);
        }
    }

    /// <summary>The help option's action: prints the command's own usage text (the registry's), not a generated one.</summary>
    private sealed class UsageAction(CommandTree tree) : SynchronousCommandLineAction
    {
        public override bool ClearsParseErrors => true;

        public override int Invoke(ParseResult parseResult)
        {
            var command = parseResult.CommandResult.Command;
            var words = new List<string>();
            for (var c = command; c is not null && c != tree.Root; c = c.Parents.OfType<Command>().FirstOrDefault())
            {
                words.Insert(0, c.Name);
            }

            Console.Out.Write(tree.HelpFor(words));
            return 0;
        }
    }
}
