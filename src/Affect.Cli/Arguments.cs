using System.Globalization;

namespace Affect.Cli;

/// <summary>
/// Parsed command-line arguments of one <see cref="CliCommand"/>: positional words and <c>--name value</c> /
/// <c>--name=value</c> / <c>--flag</c> options. <see cref="CommandTree"/> (System.CommandLine) refuses options the
/// command does not declare and positional words beyond what it takes, so a typo is never silently ignored; the
/// accessors here turn values into numbers and seeds with errors that name the option.
/// </summary>
internal sealed class Arguments
{
    private readonly Dictionary<string, List<string>> options = new(StringComparer.Ordinal);
    private readonly HashSet<string> used = new(StringComparer.Ordinal);
    private readonly CliCommand command;

    /// <summary>The arguments of <paramref name="command"/> as parsed by <see cref="CommandTree"/>.</summary>
    /// <param name="command">The command they were given to.</param>
    /// <param name="options">Every given option and flag (without dashes) with its values in order (a flag's value is "true").</param>
    /// <param name="positional">Positional words (files, folders), in order.</param>
    public Arguments(CliCommand command, IReadOnlyDictionary<string, List<string>> options, List<string> positional)
    {
        this.command = command;
        foreach (var (name, values) in options)
        {
            this.options[name] = values;
        }

        Positional = positional;
    }

    /// <summary>Positional words (files, folders), in order.</summary>
    public List<string> Positional { get; }

    /// <summary>Parses <paramref name="args"/> (the words after the command's name) as <paramref name="command"/>'s, through <see cref="CommandTree"/>.</summary>
    /// <exception cref="UsageException">An undeclared option, a missing value, or too few or too many positional words.</exception>
    public static Arguments Parse(IReadOnlyList<string> args, CliCommand command)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(command);
        return CommandTree.ArgumentsOf(command, args);
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
    /// safety net after the parser has refused undeclared ones.
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
