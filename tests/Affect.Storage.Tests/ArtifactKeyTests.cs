using System.Security.Cryptography;
using System.Text;

namespace Affect.Storage.Tests;

public sealed class ArtifactKeyTests
{
    private static readonly Dictionary<string, string> Parameters = new()
    {
        ["frameMs"] = "25",
        ["hopMs"] = "10",
        ["featureSet"] = "egemaps",
    };

    private static readonly string[] Inputs = ["0123abcd", "ffff0000"];

    [Fact]
    public void The_key_is_sha256_of_the_documented_canonical_form()
    {
        const string canonical =
            "affect-artifact-key/1\n" +
            "stage 8:features\n" +
            "version 3\n" +
            "param 10:featureSet 7:egemaps\n" +
            "param 7:frameMs 2:25\n" +
            "param 5:hopMs 2:10\n" +
            "input 8:0123abcd\n" +
            "input 8:ffff0000\n";
        var expected = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)))[..32];

        Assert.Equal(canonical, ArtifactKey.Canonicalize("features", 3, Parameters, Inputs));
        Assert.Equal(expected, ArtifactKey.Compute("features", 3, Parameters, Inputs));
    }

    [Fact]
    public void The_key_is_32_lowercase_hex_digits()
    {
        var key = ArtifactKey.Compute("features", 3, Parameters, Inputs);

        Assert.Equal(ArtifactKey.Length, key.Length);
        Assert.All(key, c => Assert.True(char.IsAsciiHexDigitLower(c) || char.IsAsciiDigit(c), $"'{c}' in {key}"));
        Assert.True(BlobName.IsValidName(key));
    }

    [Fact]
    public void Parameter_order_does_not_change_the_key()
    {
        var reversed = new SortedDictionary<string, string>(Parameters, Comparer<string>.Create((a, b) => string.CompareOrdinal(b, a)));

        Assert.Equal(ArtifactKey.Compute("features", 3, Parameters, Inputs), ArtifactKey.Compute("features", 3, reversed.ToDictionary(), Inputs));
    }

    [Fact]
    public void Any_change_changes_the_key()
    {
        var baseline = ArtifactKey.Compute("features", 3, Parameters, Inputs);
        var variants = new[]
        {
            ArtifactKey.Compute("feature", 3, Parameters, Inputs),
            ArtifactKey.Compute("features", 4, Parameters, Inputs),
            ArtifactKey.Compute("features", 3, With("hopMs", "11"), Inputs),
            ArtifactKey.Compute("features", 3, With("extra", ""), Inputs),
            ArtifactKey.Compute("features", 3, Without("hopMs"), Inputs),
            ArtifactKey.Compute("features", 3, Parameters, ["ffff0000", "0123abcd"]),
            ArtifactKey.Compute("features", 3, Parameters, ["0123abcd"]),
            ArtifactKey.Compute("features", 3, Parameters, ["0123abcd", "ffff0000", "ffff0000"]),
            ArtifactKey.Compute("features", 3, Parameters, ["0123abcd", "ffff0001"]),
            ArtifactKey.Compute("features", 3, Parameters, []),
        };

        Assert.DoesNotContain(baseline, variants);
        Assert.Equal(variants.Length, variants.Distinct().Count());
    }

    [Fact]
    public void Separators_inside_values_cannot_forge_another_tuple()
    {
        var empty = new Dictionary<string, string>();

        Assert.NotEqual(
            ArtifactKey.Compute("s", 1, new Dictionary<string, string> { ["a"] = "b 1:c" }, []),
            ArtifactKey.Compute("s", 1, new Dictionary<string, string> { ["a 1:b"] = "c" }, []));
        Assert.NotEqual(ArtifactKey.Compute("s", 1, empty, ["ab"]), ArtifactKey.Compute("s", 1, empty, ["a", "b"]));
        Assert.NotEqual(
            ArtifactKey.Compute("s", 1, empty, ["x\ninput 1:y"]),
            ArtifactKey.Compute("s", 1, empty, ["x", "y"]));
        Assert.NotEqual(
            ArtifactKey.Compute("s", 1, new Dictionary<string, string> { ["k"] = "v" }, []),
            ArtifactKey.Compute("s", 1, empty, ["k"]));
    }

    [Fact]
    public void Bad_input_is_refused_with_the_stage_named()
    {
        Assert.Contains("stage name is empty", Assert.Throws<ArgumentException>(() => ArtifactKey.Compute("", 1, Parameters, Inputs)).Message, StringComparison.Ordinal);
        Assert.Contains("version -1", Assert.Throws<ArgumentException>(() => ArtifactKey.Compute("f", -1, Parameters, Inputs)).Message, StringComparison.Ordinal);
        Assert.Contains("parameter 'p' has a null value", Assert.Throws<ArgumentException>(() => ArtifactKey.Compute("f", 1, new Dictionary<string, string> { ["p"] = null! }, Inputs)).Message, StringComparison.Ordinal);
        Assert.Contains("input key 1 is null", Assert.Throws<ArgumentException>(() => ArtifactKey.Compute("f", 1, Parameters, ["a", null!])).Message, StringComparison.Ordinal);
        Assert.Contains("unpaired surrogate", Assert.Throws<ArgumentException>(() => ArtifactKey.Compute("f", 1, Parameters, ["a\ud800"])).Message, StringComparison.Ordinal);
    }

    private static Dictionary<string, string> With(string key, string value) => new(Parameters) { [key] = value };

    private static Dictionary<string, string> Without(string key)
    {
        var copy = new Dictionary<string, string>(Parameters);
        copy.Remove(key);
        return copy;
    }
}
