namespace Affect.Storage.Tests;

public sealed class BlobNameTests
{
    [Theory]
    [InlineData("abc")]
    [InlineData("corpora")]
    [InlineData("a-b-c")]
    [InlineData("123")]
    [InlineData("a0123456789012345678901234567890123456789012345678901234567890z")]
    public void Valid_container_names_pass(string container) => BlobName.ValidateContainer(container);

    [Theory]
    [InlineData("manifest.json")]
    [InlineData("audio/spk1/utt 1.wav")]
    [InlineData("a/.hidden")]
    [InlineData("a/...")]
    [InlineData("a..b/c")]
    [InlineData("ü/日本")]
    [InlineData("ab:c")]
    [InlineData("a/c:d")]
    public void Valid_blob_names_pass(string name)
    {
        BlobName.Validate("corpora", name);
        Assert.True(BlobName.IsValidName(name));
    }

    [Fact]
    public void A_name_of_exactly_1024_characters_passes_and_1025_fails()
    {
        var name = string.Join('/', Enumerable.Repeat(new string('n', 127), 8)) + "x";
        Assert.Equal(1024, name.Length);
        BlobName.Validate("abc", name);

        var error = Assert.Throws<ArgumentException>(() => BlobName.Validate("abc", name + "q"));
        Assert.Contains("length 1025 exceeds 1024", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_message_names_container_name_and_rule()
    {
        var error = Assert.Throws<ArgumentException>(() => BlobName.Validate("runs", "r1/../x.json"));

        Assert.Equal("Blob name 'runs/r1/../x.json' is invalid: segment '..' at 3 is not allowed ('.' and '..' could leave the container). (Parameter 'name')", error.Message);
        Assert.Equal("name", error.ParamName);
    }

    [Fact]
    public void Control_characters_are_escaped_in_the_message()
    {
        var error = Assert.Throws<ArgumentException>(() => BlobName.Validate("runs", "a\tb"));

        Assert.Contains("'runs/a\\u0009b'", error.Message, StringComparison.Ordinal);
        Assert.Contains("control character U+0009 at 1", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Container_errors_name_the_container()
    {
        var error = Assert.Throws<ArgumentException>(() => BlobName.Validate("My_Container", "x"));

        Assert.StartsWith("Container name 'My_Container' is invalid: character 'M' at 0", error.Message, StringComparison.Ordinal);
        Assert.Equal("container", error.ParamName);
    }

    [Fact]
    public void Combine_joins_segments_and_validates_the_result()
    {
        Assert.Equal("artifacts/features/abc/x.npy", BlobName.Combine("artifacts", "features/abc", "x.npy"));
        Assert.Equal("one", BlobName.Combine("one"));
        Assert.Contains("segment 1 of 3 is empty", Assert.Throws<ArgumentException>(() => BlobName.Combine("a", "", "b")).Message, StringComparison.Ordinal);
        Assert.Contains("'..'", Assert.Throws<ArgumentException>(() => BlobName.Combine("a", "..", "b")).Message, StringComparison.Ordinal);
        Assert.Contains("empty segment", Assert.Throws<ArgumentException>(() => BlobName.Combine("a/", "b")).Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => BlobName.Combine());
    }
}
