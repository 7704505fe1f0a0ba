using System.Globalization;

namespace Affect.Cli;

/// <summary>Parsed command-line arguments: positional words and <c>--name value</c> / <c>--flag</c> options.</summary>
internal sealed class Arguments
{
    private readonly Dictionary<string, List<string>> options = new(StringComparer.Ordinal);
    private readonly HashSet<string> used = new(StringComparer.Ordinal);

    private Arguments(List<string> positional) => Positional = positional;

    public List<string> Positional { get; }

    /// <summary>Parses <paramref name="args"/>; names in <paramref name="flags"/> take no value.</summary>
    public static Arguments Parse(IEnumerable<string> args, params string[] flags)
    {
        var result = new Arguments([]);
        var list = args.ToList();
        for (int i = 0; i < list.Count; i++)
        {
            string a = list[i];
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
                else if (!flags.Contains(name))
                {
                    if (i + 1 >= list.Count)
                    {
                        throw new UsageException($"option --{name} needs a value");
                    }

                    value = list[++i];
                }

                if (!result.options.TryGetValue(name, out var values))
                {
                    result.options[name] = values = [];
                }

                values.Add(value ?? "true");
            }
            else
            {
                result.Positional.Add(a);
            }
        }

        return result;
    }

    public bool Flag(string name)
    {
        used.Add(name);
        return options.ContainsKey(name);
    }

    public string? Get(string name)
    {
        used.Add(name);
        return options.TryGetValue(name, out var v) ? v[^1] : null;
    }

    public IReadOnlyList<string> GetAll(string name)
    {
        used.Add(name);
        return options.TryGetValue(name, out var v) ? v : [];
    }

    public string Require(string name) => Get(name) ?? throw new UsageException($"option --{name} is required");

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

    /// <summary>Fails on options the command did not read: a typo must not be silently ignored.</summary>
    public void RejectUnknown()
    {
        var unknown = options.Keys.Where(k => !used.Contains(k)).OrderBy(k => k, StringComparer.Ordinal).ToList();
        if (unknown.Count > 0)
        {
            throw new UsageException("unknown option" + (unknown.Count > 1 ? "s" : string.Empty) + ": " + string.Join(", ", unknown.Select(u => "--" + u)));
        }
    }
}

/// <summary>A command-line usage error (exit code 2).</summary>
internal sealed class UsageException(string message) : Exception(message);
