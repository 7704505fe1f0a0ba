using System.Runtime.InteropServices;
using Affect.Audio;
using Affect.Corpora;
using Affect.Pipeline.Hosting;

namespace Affect.Cli;

/// <summary>The <c>affect</c> command: dispatches verbs and turns errors into one clear line and an exit code.</summary>
internal static class AffectCommand
{
    private const string Header = """
        affect — acoustic emotion recognition pipeline (Kaya, Fedotov et al., Interspeech 2018)

        usage:
        """;

    private const string Footer = """
          affect COMMAND --help
              the usage of one command (also -h, or affect help COMMAND)

        exit codes: 0 success, 1 failure (bad input, failed run), 2 usage error, 130/143 a run stopped by SIGINT/SIGTERM
          (affect serve and affect worker stop gracefully on either and exit 0)
        """;

    /// <summary>The whole usage: every command's usage text, in registry order.</summary>
    public static string Usage => Header + "\n" + string.Concat(CommandRegistry.All.Select(c => Indent(c.Help))) + Footer + "\n";

    /// <summary>Runs <c>affect</c>: SIGINT and SIGTERM cancel the command gracefully (a second one ends the process at once).</summary>
    public static async Task<int> RunAsync(string[] args)
    {
        using var cts = new CancellationTokenSource();
        PosixSignal? stoppedBy = null;
        void Stop(PosixSignalContext context)
        {
            if (stoppedBy is not null)
            {
                return; // second signal: the default action ends the process
            }

            stoppedBy = context.Signal;
            context.Cancel = true;
            Console.Error.WriteLine($"affect: {(context.Signal == PosixSignal.SIGTERM ? "SIGTERM" : "SIGINT")} received, stopping (send it again to end at once)");
            cts.Cancel();
        }

        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
        try
        {
            return await DispatchAsync(args, cts.Token);
        }
        catch (UsageException e)
        {
            Console.Error.WriteLine($"affect: usage: {DisplayText.Escape(e.Message)}");
            return 2;
        }
        catch (WavFormatException e)
        {
            Console.Error.WriteLine($"affect: error: {DisplayText.Escape(e.Message)}");
            return 1;
        }
        catch (CorpusFormatException e)
        {
            Console.Error.WriteLine($"affect: error: {DisplayText.Escape(e.Message)}");
            return 1;
        }
        catch (PipelineFailedException e)
        {
            Console.Error.WriteLine($"affect: error: {DisplayText.Escape(e.Message)}");
            return 1;
        }
        catch (OperationCanceledException) when (cts.IsCancellationRequested)
        {
            Console.Error.WriteLine("affect: cancelled");
            return stoppedBy == PosixSignal.SIGTERM ? 143 : 130;
        }
        catch (OperationCanceledException e)
        {
            Console.Error.WriteLine($"affect: error: {DisplayText.Escape(e.Message)}");
            return 1;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or InvalidDataException or FormatException)
        {
            Console.Error.WriteLine($"affect: error: {DisplayText.Escape(e.Message)}");
            return 1;
        }
    }

    /// <summary>Finds the command named by the leading words of <paramref name="args"/>, answers --help, parses and runs it.</summary>
    internal static async Task<int> DispatchAsync(string[] args, CancellationToken cancellationToken)
    {
        if (args.Length == 0)
        {
            Console.Error.Write(Usage);
            return 2;
        }

        if (args[0] is "-h" or "--help")
        {
            Console.Out.Write(Usage);
            return 0;
        }

        if (args[0] == "help")
        {
            Console.Out.Write(args.Length == 1 ? Usage : HelpFor(args[1..]));
            return 0;
        }

        var (command, words) = Resolve(args);
        if (command is null)
        {
            if (Group(args[0]).Count == 0)
            {
                throw new UsageException($"unknown command '{args[0]}' (commands: {string.Join(", ", CommandRegistry.All.Select(c => c.Name.Split(' ')[0]).Distinct())}; see affect --help)");
            }

            if (Arguments.WantsHelp(args[1..]))
            {
                Console.Out.Write(HelpFor(args[..1]));
                return 0;
            }

            string sub = args.Length > 1 ? $"unknown subcommand '{args[1]}'" : "a subcommand is needed";
            throw new UsageException($"affect {args[0]}: {sub} ({string.Join(", ", Group(args[0]).Select(c => c.Name[(args[0].Length + 1)..]))}; see affect {args[0]} --help)");
        }

        string[] rest = args[words..];
        if (Arguments.WantsHelp(rest))
        {
            Console.Out.Write(command.Help);
            return 0;
        }

        return await command.Run(Arguments.Parse(rest, command), cancellationToken);
    }

    /// <summary>The usage text for <c>affect help WORDS</c>: one command's, or every command of a group (<c>features</c>).</summary>
    internal static string HelpFor(string[] words)
    {
        var (command, used) = Resolve(words);
        if (command is not null && used == words.Length)
        {
            return command.Help;
        }

        var group = words.Length == 1 ? Group(words[0]) : [];
        return group.Count > 0
            ? string.Concat(group.Select(c => c.Help))
            : throw new UsageException($"no command 'affect {string.Join(' ', words)}' (see affect --help)");
    }

    private static (CliCommand? Command, int Words) Resolve(string[] args)
    {
        for (int words = Math.Min(2, args.Length); words >= 1; words--)
        {
            string name = string.Join(' ', args[..words]);
            if (CommandRegistry.All.FirstOrDefault(c => c.Name == name) is { } command)
            {
                return (command, words);
            }
        }

        return (null, 0);
    }

    private static List<CliCommand> Group(string word) => [.. CommandRegistry.All.Where(c => c.Name.StartsWith(word + " ", StringComparison.Ordinal))];

    private static string Indent(string help) => string.Concat(help.TrimEnd('\n').Split('\n').Select(l => "  " + l + "\n"));
}
