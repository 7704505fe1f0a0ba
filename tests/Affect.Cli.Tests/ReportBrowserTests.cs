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
              tableShapes: [...document.querySelectorAll('table')].map(t => ({
                rows: t.rows.length,
                height: t.getBoundingClientRect().height,
              })),
              figures: [...document.querySelectorAll('figure')].map(f => ({
                kind: f.dataset.figure,
                svgs: f.querySelectorAll('svg').length,
                width: f.querySelector('svg').getBoundingClientRect().width,
                height: f.querySelector('svg').getBoundingClientRect().height,
                marks: f.querySelectorAll('svg rect, svg polyline, svg circle, svg path').length,
                lines: [...f.querySelectorAll('svg polyline')].map(p => p.points.numberOfItems),
                caption: (f.querySelector('figcaption') || {}).textContent || '',
              })),
            })
            """);

        Assert.True(facts.GetProperty("text").GetInt32() > 2000, "the page renders almost no text");
        Assert.True(facts.GetProperty("height").GetInt32() > 2000, "the page renders almost nothing");
        Assert.Equal(Regex.Count(source, "<table"), facts.GetProperty("tables").GetInt32());
        var headings = facts.GetProperty("headings").EnumerateArray().Select(h => h.GetString()!).ToList();
        foreach (string h in new[] { "Run facts", "Stages", "Corpora", "Table 1", "Table 2", "Table 3", "Table 4", "Section 4.3", "Fusion weights", "Cross-task predictions", "Figures", "Label distributions", "Per-stage timings" })
        {
            Assert.True(headings.Any(x => x.Contains(h, StringComparison.Ordinal)), $"no heading with '{h}' in: {string.Join(" | ", headings)}");
        }

        var figures = facts.GetProperty("figures").EnumerateArray().ToList();
        Assert.Equal(Regex.Count(source, "<figure"), figures.Count);
        Assert.All(figures, f => Assert.True(f.GetProperty("width").GetDouble() > 100 && f.GetProperty("height").GetDouble() > 50 && f.GetProperty("marks").GetInt32() > 2, f.ToString()));
        Assert.All(figures, f => Assert.True(f.TryGetProperty("kind", out _), "a figure without data-figure: " + f));
        Assert.All(facts.GetProperty("tableShapes").EnumerateArray(), t => Assert.True(t.GetProperty("rows").GetInt32() >= 2 && t.GetProperty("height").GetDouble() > 20, "an empty table: " + t));
        Assert.All(figures, f => Assert.True(f.GetProperty("svgs").GetInt32() == 1 && f.GetProperty("caption").GetString()!.Length > 10, "a figure without one SVG and a caption: " + f));

        // Every figure of the issue's list, each kind as often as the run gives it: Fig. 2 per dimensional corpus, the
        // epochs of the 12 Table 1 trainings, predicted vs gold per test corpus × target, a confusion matrix per
        // classifier, the C/factor grids, UAR over the threshold pair per Table 4 row, fusion weights, and the timings.
        var kinds = figures.GroupBy(f => f.GetProperty("kind").GetString()!).ToDictionary(g => g.Key, g => g.ToList());
        Assert.Equal(["confusion", "epochs", "fusion-weights", "grid", "label-distribution", "thresholds", "timings", "traces"], kinds.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(3, kinds["label-distribution"].Count);
        Assert.Single(kinds["epochs"]);
        Assert.Equal(12, kinds["epochs"][0].GetProperty("lines").GetArrayLength());
        Assert.Equal(6, kinds["traces"].Count); // creativeit, recola, semaine × arousal, valence
        Assert.All(kinds["traces"], f => Assert.True(f.GetProperty("lines").EnumerateArray().Count(l => l.GetInt32() > 20) == 2, "traces need a predicted and a gold line: " + f));
        Assert.Equal(20, kinds["confusion"].Count);
        Assert.Equal(6, kinds["thresholds"].Count); // Table 4: 3 source corpora × 2 dimensions
        Assert.All(kinds["thresholds"], f => Assert.True(f.GetProperty("marks").GetInt32() > 100, "a threshold heat map with few cells: " + f));
        Assert.Single(kinds["timings"]);
        Assert.NotEmpty(kinds["grid"]);
        Assert.NotEmpty(kinds["fusion-weights"]);

        // The timings come from timings.json beside results.json: one bar per stage.
        using var timings = JsonDocument.Parse(await File.ReadAllBytesAsync(Path.Combine(reference.Dir, "timings.json")));
        var stages = timings.RootElement.GetProperty("stages").EnumerateArray().ToList();
        Assert.Contains(stages, t => t.GetProperty("stage").GetString() == "lld" && t.GetProperty("computed").GetInt32() > 0 && t.GetProperty("reused").GetInt32() == 0);
        Assert.All(stages, t => Assert.True(t.GetProperty("seconds").GetDouble() >= 0, t.ToString()));
        Assert.Equal(stages.Count, Regex.Count(source[source.IndexOf("data-figure=\"timings\"", StringComparison.Ordinal)..], " s</text>"));
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
