using System.Text.Json;
using System.Text.RegularExpressions;
using PuppeteerSharp;

namespace Affect.Cli.Tests;

/// <summary>The demo's report.html rendered by the system's headless Chromium (Debian package <c>chromium</c>, installed by infra/install-test-tools.sh).</summary>
public sealed partial class DemoTests
{
    private static readonly string[] BrowserCandidates = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"];

    [Fact]
    public async Task The_report_renders_in_headless_chromium_with_every_table_and_figure_and_no_console_error()
    {
        Assert.True(reference.Run.ExitCode == 0, CliProcess.Describe(reference.Run.Stdout, reference.Run.Stderr));
        string path = Path.Combine(reference.Dir, "report.html");
        string source = await File.ReadAllTextAsync(path);
        string? browserPath = Environment.GetEnvironmentVariable("AFFECT_CHROMIUM") ?? BrowserCandidates.FirstOrDefault(File.Exists);
        Assert.True(browserPath is not null, "no Chromium: run infra/install-test-tools.sh (apt-get install chromium)");

        await using var browser = await Puppeteer.LaunchAsync(new LaunchOptions
        {
            Headless = true,
            ExecutablePath = browserPath,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--allow-file-access-from-files"],
        });
        await using var page = await browser.NewPageAsync();
        var errors = new List<string>();
        page.Console += (_, e) =>
        {
            if (e.Message.Type == ConsoleType.Error)
            {
                errors.Add("console: " + e.Message.Text);
            }
        };
        page.PageError += (_, e) => errors.Add("page: " + e.Message);
        page.RequestFailed += (_, e) => errors.Add("request: " + e.Request.Url);
        var response = await page.GoToAsync(new Uri(path).AbsoluteUri, WaitUntilNavigation.Load);
        Assert.True(response is null || response.Ok, $"loading {path}: {response?.Status}");

        var facts = await page.EvaluateFunctionAsync<JsonElement>("""
            () => ({
              text: document.body.innerText.length,
              height: document.body.scrollHeight,
              tables: [...document.querySelectorAll('table')].filter(t => t.getBoundingClientRect().height > 0).length,
              headings: [...document.querySelectorAll('h2')].map(h => h.textContent),
              figures: [...document.querySelectorAll('figure')].map(f => ({
                kind: f.dataset.figure,
                width: f.querySelector('svg').getBoundingClientRect().width,
                height: f.querySelector('svg').getBoundingClientRect().height,
                marks: f.querySelectorAll('svg rect, svg polyline, svg circle').length,
              })),
            })
            """);

        Assert.True(facts.GetProperty("text").GetInt32() > 2000, "the page renders almost no text");
        Assert.True(facts.GetProperty("height").GetInt32() > 2000, "the page renders almost nothing");
        Assert.Equal(Regex.Count(source, "<table"), facts.GetProperty("tables").GetInt32());
        var headings = facts.GetProperty("headings").EnumerateArray().Select(h => h.GetString()!).ToList();
        foreach (string h in new[] { "Run facts", "Table 1", "Table 2", "Table 3", "Table 4", "Section 4.3", "Fusion weights", "Figures", "Label distributions" })
        {
            Assert.True(headings.Any(x => x.Contains(h, StringComparison.Ordinal)), $"no heading with '{h}' in: {string.Join(" | ", headings)}");
        }

        var figures = facts.GetProperty("figures").EnumerateArray().ToList();
        Assert.Equal(Regex.Count(source, "<figure"), figures.Count);
        Assert.All(figures, f => Assert.True(f.GetProperty("width").GetDouble() > 100 && f.GetProperty("height").GetDouble() > 50 && f.GetProperty("marks").GetInt32() > 2, f.ToString()));
        Assert.All(figures, f => Assert.True(f.TryGetProperty("kind", out _), "a figure without data-figure: " + f));
        var kinds = figures.Select(f => f.GetProperty("kind").GetString()).ToHashSet();
        Assert.Subset(kinds, new HashSet<string?> { "epochs", "confusion", "grid", "fusion-weights", "label-distribution" });
        Assert.Contains("synthetic corpora only", source, StringComparison.Ordinal);
        Assert.Empty(errors);
    }

    [Fact]
    public void Results_json_says_what_its_numbers_mean_and_where_they_came_from()
    {
        Assert.True(reference.Run.ExitCode == 0, CliProcess.Describe(reference.Run.Stdout, reference.Run.Stderr));
        using var doc = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(reference.Dir, "results.json")));
        var about = doc.RootElement.GetProperty("about");
        Assert.Matches("^1\\.0\\.0", about.GetProperty("codeVersion").GetString());
        Assert.Equal(["creativeit", "recola", "semaine", "usoms"], about.GetProperty("provenance").EnumerateObject().Select(p => p.Name));
        Assert.All(about.GetProperty("provenance").EnumerateObject(), p => Assert.Equal("synthetic", p.Value.GetString()));
        Assert.Equal(1.0 / 3, about.GetProperty("chanceUar").GetProperty("usoms").GetDouble(), 6);
        Assert.Contains("fraction", about.GetProperty("units").GetProperty("*Uar, *War").GetString(), StringComparison.Ordinal);
        Assert.Contains("test.scores.csv", about.GetProperty("perFileScores").GetProperty("classification").GetString(), StringComparison.Ordinal);
    }
}
