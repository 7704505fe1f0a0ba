using System.Globalization;

namespace Affect.Cli;

/// <summary>
/// Parsed command-line arguments of one <see cref="CliCommand"/>: positional words and <c>--name value</c> /
/// <c>--name=value</c> / <c>--flag</c> options. Options the command does not declare, and positional words beyond
/// what it takes, are usage errors at parse time, so a typo is never silently ignored.
/// </summary>
internal sealed class Arguments
{
    private readonly Dictionary<string, List<string>> options = new(StringComparer.Ordinal);
    private readonly HashSet<string> used = new(StringComparer.Ordinal);
    private readonly CliCommand command;

    private Arguments(CliCommand command, List<string> positional)
    {
        this.command = command;
        Positional = positional;
    }

    /// <summary>Positional words (files, folders), in order.</summary>
    public List<string> Positional { get; }

    /// <summary>True when <paramref name="args"/> asks for help (<c>--help</c> or <c>-h</c> anywhere).</summary>
    public static bool WantsHelp(IEnumerable<string> args) => args.Any(a => a is "--help" or "-h");

    /// <summary>Parses <paramref name="args"/> (the words after the command's name) against <paramref name="command"/>'s declared options.</summary>
    /// <exception cref="UsageException">An undeclared option, a missing value, or too few or too many positional words.</exception>
    public static Arguments Parse(IReadOnlyList<string> args, CliCommand command)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(command);
        var result = new Arguments(command, []);
        var unknown = new List<string>();
        for (int i = 0; i < args.Count; i++)
        {
            string a = args[i];
            if (a.StartsWith("--", StringComparison.Ordinal) && a.Length > 2)
            {
                string name = a[2..];
                string? value = null;
                int eq = name.IndexOf('=', StringComparison.Ordinal);
                if (eq >= 0)
                {
                    value = name[(eq + 1)..];
                    name = name[..eq];
                }

                bool isFlag = command.Flags.Contains(name, StringComparer.Ordinal);
                if (!isFlag && !command.Options.Contains(name, StringComparer.Ordinal))
                {
                    unknown.Add("--" + name);
                    if (value is null && i + 1 < args.Count && !args[i + 1].StartsWith('-'))
                    {
                        i++; // most likely the unknown option's value; do not report it as a stray word as well
                    }

                    continue;
                }

                if (isFlag && value is not null)
                {
                    throw new UsageException($"option --{name} takes no value (see affect {command.Name} --help)");
                }

                if (!isFlag && value is null)
                {
                    if (i + 1 >= args.Count)
                    {
                        throw new UsageException($"option --{name} needs a value");
                    }

                    value = args[++i];
                }

                if (!result.options.TryGetValue(name, out var values))
                {
                    result.options[name] = values = [];
                }

                values.Add(value ?? "true");
            }
            else if (a.Length > 1 && a[0] == '-' && !double.TryParse(a, NumberStyles.Float, CultureInfo.InvariantCulture, out _))
            {
                unknown.Add(a);
            }
            else
            {
                result.Positional.Add(a);
            }
        }

        if (unknown.Count > 0)
        {
            throw new UsageException($"unknown option{(unknown.Count > 1 ? "s" : string.Empty)} for 'affect {command.Name}': {string.Join(", ", unknown)} (see affect {command.Name} --help)");
        }

        if (result.Positional.Count > command.MaxPositional)
        {
            var extra = result.Positional.Skip(command.MaxPositional).Select(p => $"'{p}'");
            throw new UsageException($"unexpected argument{(result.Positional.Count - command.MaxPositional > 1 ? "s" : string.Empty)} for 'affect {command.Name}': {string.Join(", ", extra)} (see affect {command.Name} --help)");
        }

        if (result.Positional.Count < command.MinPositional)
        {
            throw new UsageException($"affect {command.Name}: {command.MinPositional} argument{(command.MinPositional > 1 ? "s" : string.Empty)} needed, {result.Positional.Count} given (see affect {command.Name} --help)");
        }

        return result;
    }

    /// <summary>True when the flag <c>--name</c> was given.</summary>
    public bool Flag(string name)
    {
        Declared(name, command.Flags);
        return options.ContainsKey(name);
    }

    /// <summary>Whether the command declares the option <c>--name</c> (shared parsers read only the options a command offers).</summary>
    public bool Offers(string name) => command.Options.Contains(name, StringComparer.Ordinal);

    /// <summary>Whether the command declares the flag <c>--name</c>.</summary>
    public bool OffersFlag(string name) => command.Flags.Contains(name, StringComparer.Ordinal);

    /// <summary>The value of <c>--name</c>, or null; giving it twice is a usage error (one of the two would be ignored).</summary>
    public string? Get(string name)
    {
        Declared(name, command.Options);
        if (!options.TryGetValue(name, out var v))
        {
            return null;
        }

        return v.Count == 1 ? v[0] : throw new UsageException($"option --{name} is given {v.Count} times ({string.Join(", ", v.Select(x => $"'{x}'"))}); it takes one value");
    }

    /// <summary>Every value of a repeatable <c>--name</c>, in order.</summary>
    public IReadOnlyList<string> GetAll(string name)
    {
        Declared(name, command.Options);
        return options.TryGetValue(name, out var v) ? v : [];
    }

    /// <summary>The value of the required option <c>--name</c>.</summary>
    public string Require(string name) => Get(name) ?? throw new UsageException($"option --{name} is required");

    /// <summary>The integer value of <c>--name</c> in [<paramref name="min"/>, <paramref name="max"/>], or <paramref name="fallback"/>.</summary>
    public int GetInt(string name, int fallback, int min, int max)
    {
        string? s = Get(name);
        if (s is null)
        {
            return fallback;
        }

        if (!int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out int v) || v < min || v > max)
        {
            throw new UsageException($"option --{name}: '{s}' is not an integer in {min}..{max}");
        }

        return v;
    }

    /// <summary>The seed <c>--name</c> (a non-negative integer), or <paramref name="fallback"/>.</summary>
    public ulong GetSeed(string name = "seed", ulong fallback = 1)
    {
        string? s = Get(name);
        if (s is null)
        {
            return fallback;
        }

        return ulong.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out ulong v)
            ? v
            : throw new UsageException($"option --{name}: '{s}' is not a non-negative integer");
    }

    /// <summary>The number <c>--name</c> in [<paramref name="min"/>, <paramref name="max"/>], or <paramref name="fallback"/>.</summary>
    public double GetDouble(string name, double fallback, double min, double max)
    {
        string? s = Get(name);
        if (s is null)
        {
            return fallback;
        }

        if (!double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) || !(v >= min && v <= max))
        {
            throw new UsageException($"option --{name}: '{s}' is not a number in {min}..{max}");
        }

        return v;
    }

    /// <summary>
    /// Fails on options given that the command did not read (a declared option the code forgot to use): the last
    /// safety net after <see cref="Parse"/> has refused undeclared ones.
    /// </summary>
    public void RejectUnknown()
    {
        var unread = options.Keys.Where(k => !used.Contains(k)).OrderBy(k => k, StringComparer.Ordinal).ToList();
        if (unread.Count > 0)
        {
            throw new UsageException($"option{(unread.Count > 1 ? "s" : string.Empty)} not used by 'affect {command.Name}': " + string.Join(", ", unread.Select(u => "--" + u)));
        }
    }

    // Reading an option the command does not declare is a bug in the command: it could never be given.
    private void Declared(string name, IReadOnlyList<string> declared)
    {
        if (!declared.Contains(name, StringComparer.Ordinal))
        {
            throw new InvalidOperationException($"affect {command.Name} reads --{name}, which its CliCommand does not declare as {(ReferenceEquals(declared, command.Flags) ? "a flag" : "an option")}");
        }

        used.Add(name);
    }
}

/// <summary>A command-line usage error (exit code 2).</summary>
internal sealed class UsageException(string message) : Exception(message);
