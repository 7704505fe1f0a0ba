namespace Affect.Storage;

/// <summary>Opens an <see cref="IBlobStore"/> from the one-string form used on command lines and in settings.</summary>
public static class BlobStore
{
    /// <summary>The prefix that marks a folder store: <c>folder:/path/to/root</c>.</summary>
    public const string FolderPrefix = "folder:";

    /// <summary>Prefix of a store reached with an Entra ID credential (managed identity on Azure): <c>azure-identity:ACCOUNT</c>.</summary>
    public const string IdentityPrefix = "azure-identity:";

    /// <summary>
    /// Opens a store: <c>folder:&lt;path&gt;</c> or an existing directory gives a <see cref="FolderBlobStore"/>;
    /// <c>UseDevelopmentStorage=true</c> or a connection string with <c>AccountName=</c> or
    /// <c>BlobEndpoint=</c> gives an <see cref="AzureBlobStore"/>; <c>azure-identity:ACCOUNT</c> an <see cref="AzureBlobStore"/> with DefaultAzureCredential.
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

        if (text.StartsWith(IdentityPrefix, StringComparison.OrdinalIgnoreCase))
        {
            var account = text[IdentityPrefix.Length..];
            if (account.Length is < 3 or > 24 || !account.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c)))
            {
                throw new ArgumentException($"Store connection '{text}': the storage account name must be 3-24 lowercase letters and digits.", nameof(connection));
            }

            // Managed identity on Azure (AZURE_CLIENT_ID selects a user-assigned one), developer credentials locally.
            return new AzureBlobStore(new Azure.Storage.Blobs.BlobServiceClient(new Uri($"https://{account}.blob.core.windows.net"), new Azure.Identity.DefaultAzureCredential()));
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
