namespace Affect.Hosting.Tests;

/// <summary>The serve API key: environment first, then the key file, else one random key kept readable only by the user.</summary>
public sealed class ServeApiKeyTests : IDisposable
{
    private readonly string home = Directory.CreateTempSubdirectory("affect-key-").FullName;

    public void Dispose() => Directory.Delete(home, recursive: true);

    [Fact]
    public void Without_environment_or_file_a_random_key_is_created_once_readable_only_by_the_user_and_reused()
    {
        var notes = new List<string>();
        string first = ServeApiKey.Resolve(null, null, home, notes.Add);
        string second = ServeApiKey.Resolve(string.Empty, null, home, notes.Add);
        string path = Path.Combine(home, ".affect", "serve-api-key");
        Assert.Equal(64, first.Length);
        Assert.Equal(first, second);
        Assert.Equal(first, File.ReadAllText(path));
        Assert.Equal([$"API key created in {path} (readable only by you)", $"API key in {path}"], notes);
        Assert.DoesNotContain(notes, n => n.Contains(first, StringComparison.Ordinal));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        }

        Assert.Empty(Directory.GetFiles(Path.Combine(home, ".affect"), "*.tmp"));
        Assert.NotEqual(first, ServeApiKey.Resolve(null, null, Directory.CreateDirectory(Path.Combine(home, "other")).FullName, _ => { }));
    }

    [Fact]
    public void The_environment_wins_over_the_key_file_and_the_file_over_the_stored_key()
    {
        string file = Path.Combine(home, "key.txt");
        File.WriteAllText(file, "  0123456789abcdef-from-file\n");
        Assert.Equal("from-environment", ServeApiKey.Resolve("from-environment", file, home, _ => { }));
        Assert.Equal("0123456789abcdef-from-file", ServeApiKey.Resolve(null, file, home, _ => { }));
        Assert.False(Directory.Exists(Path.Combine(home, ".affect")));
    }

    [Fact]
    public void A_missing_or_short_key_file_is_refused_naming_the_file()
    {
        string missing = Path.Combine(home, "missing.txt");
        Assert.Equal($"{missing}: file not found", Assert.Throws<InvalidDataException>(() => ServeApiKey.Resolve(null, missing, home, _ => { })).Message);
        string shortKey = Path.Combine(home, "short.txt");
        File.WriteAllText(shortKey, "abc");
        Assert.Equal($"{shortKey}: key: shorter than 16 characters", Assert.Throws<InvalidDataException>(() => ServeApiKey.Resolve(null, shortKey, home, _ => { })).Message);
    }
}
