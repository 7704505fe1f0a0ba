namespace Affect.Hosting;

/// <summary>
/// The key every <c>affect serve</c> request carries in <c>x-functions-key</c> (as on Azure Functions): the
/// <c>AFFECT_API_KEY</c> environment variable, else the content of a key file, else a random 256-bit key kept in
/// <c>~/.affect/serve-api-key</c>, readable only by the user, created once and reused by later starts.
/// </summary>
public static class ServeApiKey
{
    /// <summary>The environment variable that holds the key.</summary>
    public const string EnvironmentVariable = "AFFECT_API_KEY";

    /// <summary>The shortest key accepted from a key file.</summary>
    public const int MinLength = 16;

    /// <summary>Resolves the key; <paramref name="note"/> receives one line saying where it came from.</summary>
    /// <param name="fromEnvironment">The value of <see cref="EnvironmentVariable"/>, or null.</param>
    /// <param name="keyFile">The <c>--api-key-file</c>, or null.</param>
    /// <param name="home">The user's home folder, under which <c>.affect/serve-api-key</c> is kept.</param>
    /// <param name="note">Receives where the key came from (never the key).</param>
    /// <exception cref="InvalidDataException">The key file is missing or its key is too short (naming the file).</exception>
    public static string Resolve(string? fromEnvironment, string? keyFile, string home, Action<string> note)
    {
        ArgumentNullException.ThrowIfNull(note);
        if (fromEnvironment is { Length: > 0 })
        {
            note($"API key from {EnvironmentVariable}");
            return fromEnvironment;
        }

        if (keyFile is not null)
        {
            string text = File.Exists(keyFile) ? File.ReadAllText(keyFile).Trim() : throw new InvalidDataException($"{keyFile}: file not found");
            return text.Length >= MinLength ? text : throw new InvalidDataException($"{keyFile}: key: shorter than {MinLength} characters");
        }

        string folder = Path.Combine(home, ".affect");
        string path = Path.Combine(folder, "serve-api-key");
        if (File.Exists(path) && File.ReadAllText(path).Trim() is { Length: >= MinLength } existing)
        {
            note($"API key in {path}");
            return existing;
        }

        Directory.CreateDirectory(folder);
        string key = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        string temp = path + "." + Guid.NewGuid().ToString("N")[..8] + ".tmp";
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using (var stream = new FileStream(temp, options))
        using (var writer = new StreamWriter(stream))
        {
            writer.Write(key);
        }

        File.Move(temp, path, overwrite: true);
        note($"API key created in {path} (readable only by you)");
        return key;
    }
}
