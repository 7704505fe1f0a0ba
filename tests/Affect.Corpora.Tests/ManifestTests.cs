namespace Affect.Corpora.Tests;

public sealed class ManifestTests
{
    private static CorpusFormatException ParseFails(string json) =>
        Assert.Throws<CorpusFormatException>(() => CorpusManifest.Parse(json, "manifest.json"));

    private static void AssertProblem(CorpusFormatException ex, string field)
    {
        Assert.Contains(ex.Problems, p => p.File == "manifest.json" && p.Field == field);
        Assert.Contains($"manifest.json: {field}: ", ex.Message);
    }

    [Fact]
    public void Parses_a_dimensional_manifest()
    {
        var m = CorpusManifest.Parse(CorpusFixture.ManifestJson, "manifest.json");
        Assert.Equal(CorpusKind.Dimensional, m.Kind);
        Assert.Equal(["arousal", "valence"], m.Dimensions);
        Assert.Equal(2, m.Files.Count);
        Assert.Equal(CorpusPartition.Test, m.Files[1].Partition);
        Assert.Equal(25, m.Files[0].Labels!.Rate);
        Assert.Equal(["A_r1", "A_r2"], m.Files[0].Labels!.Raters["arousal"]);
    }

    [Fact]
    public void Parses_a_categorical_manifest_with_a_hidden_test_label()
    {
        var m = CorpusManifest.Parse(CorpusFixture.CategoricalJson, "manifest.json");
        Assert.Equal(CorpusKind.Categorical, m.Kind);
        Assert.Equal(["L", "M", "H"], m.Classes);
        Assert.Null(m.Files[3].Label);
        Assert.Equal("H", m.Files[2].Label);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void ToJson_round_trips_byte_for_byte(bool categorical)
    {
        var m = CorpusManifest.Parse(categorical ? CorpusFixture.CategoricalJson : CorpusFixture.ManifestJson, "manifest.json");
        string json = m.ToJson();
        Assert.DoesNotContain("\r", json);
        Assert.EndsWith("}\n", json);
        var again = CorpusManifest.Parse(json, "manifest.json");
        Assert.Equal(json, again.ToJson());
        Assert.Equal(m.Files.Select(f => (f.Id, f.Audio, f.Speaker, f.Partition, f.Label)), again.Files.Select(f => (f.Id, f.Audio, f.Speaker, f.Partition, f.Label)));
        Assert.Contains("\"schemaVersion\": 1", json);
        Assert.Contains("  \"files\": [\n", json);
    }

    [Fact]
    public void Malformed_json_names_line()
    {
        var ex = ParseFails("{ \"schemaVersion\": 1,\n  \"name\" \"x\" }");
        AssertProblem(ex, "$");
        Assert.Contains("line 2", ex.Message);
    }

    [Fact]
    public void Missing_field_is_named()
    {
        var ex = ParseFails(CorpusFixture.ManifestJson.Replace("\"speaker\": \"s2\", ", ""));
        AssertProblem(ex, "files[1].speaker");
        Assert.Single(ex.Problems);
    }

    [Fact]
    public void Unknown_kind_is_named()
    {
        var ex = ParseFails(CorpusFixture.ManifestJson.Replace("\"dimensional\"", "\"continuous\""));
        AssertProblem(ex, "kind");
        Assert.Contains("dimensional", ex.Problems.Single(p => p.Field == "kind").Message);
    }

    [Fact]
    public void Unknown_partition_and_misspelled_property_are_named()
    {
        var ex = ParseFails(CorpusFixture.ManifestJson.Replace("\"test\"", "\"dev\"").Replace("\"sampleRate\"", "\"samplerate\""));
        AssertProblem(ex, "files[1].partition");
        AssertProblem(ex, "samplerate");
        AssertProblem(ex, "sampleRate");
        Assert.Contains("did you mean 'sampleRate'", ex.Message);
    }

    [Fact]
    public void Duplicate_id_is_named()
    {
        var ex = ParseFails(CorpusFixture.ManifestJson.Replace("\"id\": \"a2\"", "\"id\": \"a1\""));
        AssertProblem(ex, "files[1].id");
    }

    [Theory]
    [InlineData("../a2.wav", "'..'")]
    [InlineData("/etc/a2.wav", "absolute")]
    [InlineData("audio\\\\a2.wav", "backslash")]
    [InlineData("audio//a2.wav", "empty segment")]
    [InlineData("C:/a2.wav", "':'")]
    [InlineData("audio/a2\\u0007.wav", "control character")]
    [InlineData("audio/a2.mp3", ".wav")]
    public void Unsafe_audio_paths_are_rejected(string path, string expected)
    {
        var ex = ParseFails(CorpusFixture.ManifestJson.Replace("audio/a2.wav", path));
        AssertProblem(ex, "files[1].audio");
        Assert.Contains(expected, ex.Problems.Single(p => p.Field == "files[1].audio").Message);
    }

    [Fact]
    public void Class_not_in_classes_and_missing_train_class_are_named()
    {
        var ex = ParseFails(CorpusFixture.CategoricalJson.Replace("\"label\": \"H\"", "\"label\": \"X\""));
        AssertProblem(ex, "files[2].label");
        Assert.Contains(ex.Problems, p => p.Field == "classes" && p.Message.Contains("'H'"));
    }

    [Fact]
    public void Null_label_outside_test_is_rejected()
    {
        var ex = ParseFails(CorpusFixture.CategoricalJson.Replace("\"label\": \"M\"", "\"label\": null"));
        AssertProblem(ex, "files[1].label");
    }

    [Fact]
    public void Rater_map_must_cover_dimensions_and_rate_must_be_positive()
    {
        var ex = ParseFails(CorpusFixture.ManifestJson
            .Replace("\"valence\": [\"V_r1\"] } } },", "\"dominance\": [\"D\"] } } },")
            .Replace("\"rate\": 25, \"raters\": { \"arousal\": [\"A_r1\", \"A_r2\"], \"valence\": [\"V_r1\"] } } }\n", "\"rate\": 0, \"raters\": { \"arousal\": [\"A_r1\", \"A_r1\"], \"valence\": [\"V_r1\"] } } }\n"));
        AssertProblem(ex, "files[0].labels.raters.valence");
        AssertProblem(ex, "files[0].labels.raters.dominance");
        AssertProblem(ex, "files[1].labels.rate");
        AssertProblem(ex, "files[1].labels.raters.arousal[1]");
    }

    [Fact]
    public void Every_problem_is_listed_at_once()
    {
        var ex = ParseFails(CorpusFixture.ManifestJson.Replace("\"schemaVersion\": 1", "\"schemaVersion\": 2").Replace("\"tiny\"", "\"bad name\"").Replace("16000", "\"16k\""));
        AssertProblem(ex, "schemaVersion");
        AssertProblem(ex, "name");
        AssertProblem(ex, "sampleRate");
        Assert.StartsWith("3 problems:", ex.Message);
    }

    [Fact]
    public void Json_that_is_not_an_object_is_rejected()
    {
        AssertProblem(ParseFails("[1, 2]"), "$");
        AssertProblem(ParseFails(""), "$");
    }

    [Fact]
    public void Problem_formats_as_file_field_message()
    {
        Assert.Equal("a.csv: line 3, column x: bad", new CorpusProblem("a.csv", "line 3, column x", "bad").ToString());
    }
}
