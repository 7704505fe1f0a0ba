namespace Affect.Features.Tests.Lld;

/// <summary>Locates the repository and the openSMILE reference outputs (env AFFECT_OPENSMILE_REFERENCE overrides).</summary>
internal static class OpenSmileReference
{
    private static readonly Lazy<string> Root = new(() =>
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Cloud.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new DirectoryNotFoundException("Cloud.sln not found above " + AppContext.BaseDirectory);
    });

    public static string RepositoryRoot => Root.Value;

    public static string Directory =>
        Environment.GetEnvironmentVariable("AFFECT_OPENSMILE_REFERENCE") is { Length: > 0 } env
            ? env
            : Path.Combine(RepositoryRoot, "tests", "data", "opensmile");
}
