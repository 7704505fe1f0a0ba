using Affect.Audio;

namespace Affect.Corpora.Tests;

/// <summary>Manifests written to break the reader: lone surrogates, names with a trailing newline, control characters.</summary>
public sealed class HostileManifestTests
{
    private static string Categorical(string name = "cats", string id = "u1", string audio = "audio/u1.wav", string label = "L", string cls = "L", string extraProperty = "") => $$"""
        {
          "schemaVersion": 1, "name": "{{name}}", "kind": "categorical", "sampleRate": 16000, "classes": ["{{cls}}", "M", "H"],
          "files": [
            { "id": "{{id}}", "audio": "{{audio}}", "speaker": "s1", "partition": "train", "label": "{{label}}"{{extraProperty}} },
            { "id": "u2", "audio": "audio/u2.wav", "speaker": "s1", "partition": "train", "label": "M" },
            { "id": "u3", "audio": "audio/u3.wav", "speaker": "s2", "partition": "train", "label": "H" }
          ]
        }
        """;

    public static TheoryData<string, string> LoneSurrogates => new()
    {
        { Categorical(name: "\\ud800"), "name" },
        { Categorical(id: "a\\udc00"), "files[0].id" },
        { Categorical(audio: "audio/\\ud800.wav"), "files[0].audio" },
        { Categorical(label: "\\udbff"), "files[0].label" },
        { Categorical(cls: "\\ud800x"), "classes[0]" },
        { Categorical(extraProperty: ", \"\\ud800\": 1"), "files[0]" },
    };

    [Theory]
    [MemberData(nameof(LoneSurrogates))]
    public void A_lone_surrogate_escape_is_a_typed_problem_naming_the_field(string json, string field)
    {
        var ex = Assert.Throws<CorpusFormatException>(() => CorpusManifest.Parse(json, "manifest.json"));
        var p = Assert.Single(ex.Problems);
        Assert.Equal("manifest.json", p.File);
        Assert.Equal(field, p.Field);
        Assert.Contains("surrogate", p.Message);
    }

    [Fact]
    public void A_lone_surrogate_in_a_folder_manifest_is_reported_by_validation()
    {
        string dir = Directory.CreateTempSubdirectory("affect-surrogate-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(dir, "manifest.json"), Categorical(name: "\\ud800"));
            var problems = CorpusValidator.ValidateFolder(dir);
            Assert.Contains(problems, p => p.File == "manifest.json" && p.Field == "name" && p.Message.Contains("surrogate"));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Theory]
    [InlineData("name")]
    [InlineData("id")]
    [InlineData("class")]
    public void Names_with_a_trailing_newline_are_rejected(string which)
    {
        string json = which switch
        {
            "name" => Categorical(name: "cats\\n"),
            "id" => Categorical(id: "u1\\n"),
            _ => Categorical(cls: "L\\n", label: "L\\n"),
        };
        string field = which switch { "name" => "name", "id" => "files[0].id", _ => "classes[0]" };
        var ex = Assert.Throws<CorpusFormatException>(() => CorpusManifest.Parse(json, "manifest.json"));
        Assert.Contains(ex.Problems, p => p.Field == field);
        Assert.Contains("\\n", ex.Message);
        Assert.Equal(ex.Problems.Count + 1, ex.Message.Split('\n').Length); // one line per problem after the count line
    }

    [Fact]
    public void A_dimension_with_a_trailing_newline_is_rejected()
    {
        string json = CorpusFixture.ManifestJson.Replace("\"dimensions\": [\"arousal\"", "\"dimensions\": [\"arousal\\n\"", StringComparison.Ordinal);
        var ex = Assert.Throws<CorpusFormatException>(() => CorpusManifest.Parse(json, "manifest.json"));
        Assert.Contains(ex.Problems, p => p.Field == "dimensions[0]");
    }

    [Fact]
    public void Problems_escape_control_characters_and_stay_one_line()
    {
        string json = Categorical(name: "a\\u001b[31mred\\r\\nsecond line");
        var ex = Assert.Throws<CorpusFormatException>(() => CorpusManifest.Parse(json, "manifest.json"));
        Assert.DoesNotContain('\u001b', ex.Message);
        Assert.DoesNotContain('\r', ex.Message);
        Assert.Contains("a\\u001B[31mred\\r\\nsecond line", ex.Message);
        Assert.All(ex.Problems, p => Assert.DoesNotContain('\n', p.ToString()));
    }

    [Theory]
    [InlineData("plain", "plain")]
    [InlineData("a\nb", "a\\nb")]
    [InlineData("\u001b[2J", "\\u001B[2J")]
    [InlineData("x\u2028y", "x\\u2028y")]
    public void DisplayText_escapes_what_breaks_a_line(string input, string expected) =>
        Assert.Equal(expected, DisplayText.Escape(input));

    [Fact]
    public void DisplayText_escapes_lone_surrogates_but_keeps_pairs()
    {
        Assert.Equal("lone \\uD800 surrogate", DisplayText.Escape("lone \ud800 surrogate"));
        Assert.Equal("end \\uDC00", DisplayText.Escape("end \udc00"));
        Assert.Equal("pair \ud83d\ude00 ok", DisplayText.Escape("pair \ud83d\ude00 ok"));
    }

    [Fact]
    public void DisplayText_excerpt_clips_after_escaping()
    {
        Assert.Equal("\\n\\n...", DisplayText.Excerpt("\n\n\n\n", 2));
        Assert.Equal("abc", DisplayText.Excerpt("abc", 3));
    }
}
