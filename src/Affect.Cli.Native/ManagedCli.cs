using System.Runtime.InteropServices;

namespace Affect.Cli.Native;

/// <summary>
/// Hands a command line to the managed <c>affect</c> by replacing this process with it (<c>execv</c>): same process id,
/// standard streams, signals and exit code, as if the managed CLI had been started directly. The managed CLI is
/// <c>affect-managed</c> beside this binary (its apphost, renamed by the publish), or, when this entry itself runs on
/// the runtime (<c>dotnet affect-native.dll</c>, as the tests do), <c>dotnet affect.dll</c> beside it.
/// </summary>
internal static partial class ManagedCli
{
    /// <summary>The managed apphost's name in a publish with the native entry.</summary>
    public const string AppHostName = "affect-managed";

    /// <summary>Runs <paramref name="args"/> in the managed CLI; returns only when that cannot be started (exit 1).</summary>
    public static int Forward(string[] args)
    {
        string dir = AppContext.BaseDirectory;
        string appHost = Path.Combine(dir, AppHostName);
        string dll = Path.Combine(dir, "affect.dll");
        string[] argv;
        if (File.Exists(appHost))
        {
            argv = [appHost, .. args];
        }
        else if (Environment.ProcessPath is { } host && Path.GetFileNameWithoutExtension(host) == "dotnet" && File.Exists(dll))
        {
            argv = [host, dll, .. args];
        }
        else
        {
            Console.Error.WriteLine($"affect: error: {appHost}: the managed affect is missing beside the native entry (publish src/Affect.Cli with -p:AffectNativeEntry=true)");
            return 1;
        }

        var native = new nint[argv.Length + 1];
        for (int i = 0; i < argv.Length; i++)
        {
            native[i] = Marshal.StringToCoTaskMemUTF8(argv[i]);
        }

        Execv(native[0], native);
        int errno = Marshal.GetLastPInvokeError();
        Console.Error.WriteLine($"affect: error: {argv[0]}: cannot start the managed affect (errno {errno})");
        return 1;
    }

    [LibraryImport("libc", EntryPoint = "execv", SetLastError = true)]
    private static partial int Execv(nint path, nint[] argv);
}
