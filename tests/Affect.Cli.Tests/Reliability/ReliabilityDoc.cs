using System.Text;
using Affect.Audio;

namespace Affect.Cli.Tests.Reliability;

/// <summary>
/// docs/reliability.md, written by the suites: each suite replaces only its own section (between
/// <c>&lt;!-- NAME --&gt;</c> and <c>&lt;!-- /NAME --&gt;</c>), so the fuzz and chaos suites, which run in parallel,
/// each keep the other's figures. A copy goes beside the test binaries.
/// </summary>
internal static class ReliabilityDoc
{
    /// <summary>The sections in document order.</summary>
    private static readonly string[] Sections = ["fuzz", "chaos"];

    private static readonly Lock Gate = new();

    /// <summary>Replaces section <paramref name="name"/> with <paramref name="text"/> (Markdown ending in a newline).</summary>
    public static void WriteSection(string name, string text)
    {
        lock (Gate)
        {
            File.WriteAllText(Path.Combine(AppContext.BaseDirectory, $"reliability-{name}.md"), text);
            for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
            {
                if (File.Exists(Path.Combine(d.FullName, "Cloud.sln")))
                {
                    string doc = Path.Combine(d.FullName, "docs", "reliability.md");
                    string old = File.Exists(doc) ? File.ReadAllText(doc) : string.Empty;
                    string updated = Compose(old, name, text);
                    if (updated != old)
                    {
                        AtomicFile.WriteAllText(doc, updated);
                    }

                    break;
                }
            }
        }
    }

    /// <summary>The document with section <paramref name="name"/> replaced, the other sections kept as they are.</summary>
    public static string Compose(string document, string name, string text)
    {
        var sb = new StringBuilder("# Reliability\n\nWritten by the fuzz and chaos suites of the test command (each replaces its own section).\n");
        foreach (string section in Sections)
        {
            string? body = section == name ? text : Extract(document, section);
            if (body is not null)
            {
                sb.Append("\n<!-- ").Append(section).Append(" -->\n").Append(body).Append("<!-- /").Append(section).Append(" -->\n");
            }
        }

        return sb.ToString();
    }

    private static string? Extract(string document, string section)
    {
        string open = $"<!-- {section} -->\n", close = $"<!-- /{section} -->\n";
        int start = document.IndexOf(open, StringComparison.Ordinal);
        int end = start < 0 ? -1 : document.IndexOf(close, start, StringComparison.Ordinal);
        return start < 0 || end < 0 ? null : document[(start + open.Length)..end];
    }
}
