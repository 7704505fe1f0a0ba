namespace Affect.Pipeline.Storage;

/// <summary>Opens an <see cref="IBlobStore"/> from the one-string form used on command lines and in settings.</summary>
public static class BlobStore
{
    /// <summary>The prefix that marks a folder store: <c>folder:/path/to/root</c>.</summary>
    public const string FolderPrefix = "folder:";

    /// <summary>
    /// Opens a store: <c>folder:&lt;path&gt;</c> or an existing directory gives a <see cref="FolderBlobStore"/>;
    /// <c>UseDevelopmentStorage=true</c> or a connection string with <c>AccountName=</c> or
    /// <c>BlobEndpoint=</c> gives an <see cref="AzureBlobStore"/>.
    /// </summary>
    /// <param name="connection">The store description.</param>
    /// <exception cref="ArgumentException">When <paramref name="connection"/> is none of the accepted forms.</exception>
    public static IBlobStore Open(string connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        var text = connection.Trim();
        if (text.Length == 0)
        {
            throw new ArgumentException("Store connection is empty: expected 'folder:<path>', an existing directory, or an Azure Storage connection string.", nameof(connection));
        }

        if (text.StartsWith(FolderPrefix, StringComparison.OrdinalIgnoreCase))
        {
            var path = text[FolderPrefix.Length..];
            if (string.IsNullOrWhiteSpace(path))
            {
                throw new ArgumentException($"Store connection '{text}' names no folder: expected 'folder:<path>'.", nameof(connection));
            }

            return new FolderBlobStore(path);
        }

        if (IsAzureConnectionString(text))
        {
            return new AzureBlobStore(text);
        }

        if (!text.Contains('=', StringComparison.Ordinal) && Directory.Exists(text))
        {
            return new FolderBlobStore(text);
        }

        // Never echo something that looks like a connection string: it may carry an account key.
        var shown = text.Contains('=', StringComparison.Ordinal) || text.Contains(';', StringComparison.Ordinal)
            ? "(a connection string without UseDevelopmentStorage=true, AccountName= or BlobEndpoint=)"
            : $"'{text}' (not an existing directory)";
        throw new ArgumentException(
            $"Store connection {shown} is not recognised: expected 'folder:<path>', an existing directory, " +
            "'UseDevelopmentStorage=true', or an Azure Storage connection string with AccountName= or BlobEndpoint=.",
            nameof(connection));
    }

    private static bool IsAzureConnectionString(string text) =>
        text.Contains("UseDevelopmentStorage=true", StringComparison.OrdinalIgnoreCase)
        || text.Contains("AccountName=", StringComparison.OrdinalIgnoreCase)
        || text.Contains("BlobEndpoint=", StringComparison.OrdinalIgnoreCase);
}
