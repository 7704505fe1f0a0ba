using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Affect.Storage.Tests;

/// <summary>The xunit collection whose tests share one <see cref="AzuriteFixture"/>: <c>[Collection("Azurite")]</c>.</summary>
[CollectionDefinition(Name)]
public sealed class AzuriteCollection : ICollectionFixture<AzuriteFixture>
{
    /// <summary>The collection name.</summary>
    public const string Name = "Azurite";
}

/// <summary>
/// A real Azurite process (blob, queue and table services) on free loopback ports. As a collection
/// fixture it keeps everything in memory; <see cref="StartAsync"/> starts further instances, optionally
/// persisting to a folder so a test can kill Azurite and start it again over the same data.
/// </summary>
/// <remarks>
/// The executable is <c>$AFFECT_AZURITE</c> or <c>&lt;repo&gt;/.tools/node_modules/.bin/azurite</c>
/// (installed by <c>infra/install-test-tools.sh</c>). A missing executable fails the tests with that
/// instruction; they are never skipped silently.
/// </remarks>
public sealed class AzuriteFixture : IAsyncLifetime, IDisposable
{
    /// <summary>The emulator's fixed development account.</summary>
    public const string AccountName = "devstoreaccount1";

    /// <summary>The emulator's fixed, publicly documented development account key.</summary>
    public const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private readonly string? _persistentLocation;
    private readonly int _requestedBlobPort;
    private readonly int _requestedQueuePort;
    private readonly int _requestedTablePort;
    private readonly StringBuilder _output = new();
    private Process? _process;
    private string? _temporaryLocation;

    /// <summary>Creates the in-memory collection fixture; xunit starts it through <see cref="InitializeAsync"/>.</summary>
    public AzuriteFixture()
        : this(null, 0, 0, 0)
    {
    }

    private AzuriteFixture(string? location, int blobPort, int queuePort, int tablePort)
    {
        _persistentLocation = location;
        _requestedBlobPort = blobPort;
        _requestedQueuePort = queuePort;
        _requestedTablePort = tablePort;
    }

    /// <summary>The blob service port.</summary>
    public int BlobPort { get; private set; }

    /// <summary>The queue service port.</summary>
    public int QueuePort { get; private set; }

    /// <summary>The table service port.</summary>
    public int TablePort { get; private set; }

    /// <summary>The running Azurite process.</summary>
    public Process Process => _process ?? throw new InvalidOperationException("Azurite has not been started.");

    /// <summary>The folder Azurite persists to, or null when it keeps everything in memory.</summary>
    public string? Location => _persistentLocation;

    /// <summary>A full development-account connection string naming this instance's three endpoints.</summary>
    public string ConnectionString
    {
        get
        {
            if (_process is null)
            {
                throw new InvalidOperationException("Azurite has not been started.");
            }

            return string.Create(
                CultureInfo.InvariantCulture,
                $"DefaultEndpointsProtocol=http;AccountName={AccountName};AccountKey={AccountKey};" +
                $"BlobEndpoint=http://127.0.0.1:{BlobPort}/{AccountName};" +
                $"QueueEndpoint=http://127.0.0.1:{QueuePort}/{AccountName};" +
                $"TableEndpoint=http://127.0.0.1:{TablePort}/{AccountName};");
        }
    }

    /// <summary>
    /// Starts another Azurite; the caller disposes it. With <paramref name="location"/> the data is
    /// persisted there (and kept on dispose), so restarting over the same folder and ports resumes it.
    /// </summary>
    /// <param name="location">A folder to persist to, or null for in-memory.</param>
    /// <param name="blobPort">A fixed blob port, or 0 for a free one.</param>
    /// <param name="queuePort">A fixed queue port, or 0 for a free one.</param>
    /// <param name="tablePort">A fixed table port, or 0 for a free one.</param>
    /// <param name="cancellationToken">Cancels waiting for the start.</param>
    public static async Task<AzuriteFixture> StartAsync(string? location = null, int blobPort = 0, int queuePort = 0, int tablePort = 0, CancellationToken cancellationToken = default)
    {
        var instance = new AzuriteFixture(location, blobPort, queuePort, tablePort);
        try
        {
            await instance.StartCoreAsync(cancellationToken);
            return instance;
        }
        catch
        {
            instance.Dispose();
            throw;
        }
    }

    /// <summary>Finds the Azurite executable or throws with the way to install it.</summary>
    public static string FindExecutable()
    {
        var fromEnvironment = Environment.GetEnvironmentVariable("AFFECT_AZURITE");
        if (!string.IsNullOrWhiteSpace(fromEnvironment))
        {
            return File.Exists(fromEnvironment)
                ? fromEnvironment
                : throw new InvalidOperationException($"AFFECT_AZURITE is '{fromEnvironment}', which does not exist. Point it at an azurite executable or run infra/install-test-tools.sh.");
        }

        var root = FindRepositoryRoot();
        if (root is null)
        {
            throw new InvalidOperationException($"Azurite not found: no repository root (a folder with Cloud.sln or Directory.Build.props) above '{AppContext.BaseDirectory}', and AFFECT_AZURITE is not set. Run infra/install-test-tools.sh or set AFFECT_AZURITE.");
        }

        var bin = Path.Combine(root, ".tools", "node_modules", ".bin");
        var candidate = Path.Combine(bin, OperatingSystem.IsWindows() ? "azurite.cmd" : "azurite");
        return File.Exists(candidate)
            ? candidate
            : throw new InvalidOperationException($"Azurite not found at '{candidate}'. Run infra/install-test-tools.sh (it installs azurite into .tools/) or set AFFECT_AZURITE to an azurite executable.");
    }

    /// <summary>The repository root: the nearest folder above the test binaries holding Cloud.sln, else Directory.Build.props.</summary>
    public static string? FindRepositoryRoot()
    {
        string? withProps = null;
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Cloud.sln")) || File.Exists(Path.Combine(directory.FullName, "Cloud.slnx")))
            {
                return directory.FullName;
            }

            if (withProps is null && File.Exists(Path.Combine(directory.FullName, "Directory.Build.props")))
            {
                withProps = directory.FullName;
            }
        }

        return withProps;
    }

    /// <inheritdoc />
    public Task InitializeAsync() => StartCoreAsync(CancellationToken.None);

    /// <inheritdoc />
    Task IAsyncLifetime.DisposeAsync()
    {
        Dispose();
        return Task.CompletedTask;
    }

    /// <summary>
    /// Stops Azurite and removes its temporary folder. A persistent instance is asked to shut down
    /// (SIGTERM) so it saves its metadata, and killed only if it does not exit within 10 s.
    /// </summary>
    public void Dispose()
    {
        if (_persistentLocation is not null && _process is { HasExited: false } running && !OperatingSystem.IsWindows())
        {
            if (SendSignal(running.Id, SigTerm) == 0)
            {
                running.WaitForExit(10_000);
            }
        }

        StopProcess();
        if (_temporaryLocation is not null)
        {
            try
            {
                Directory.Delete(_temporaryLocation, recursive: true);
            }
            catch (IOException)
            {
                // Best effort.
            }

            _temporaryLocation = null;
        }
    }

    /// <summary>
    /// Kills Azurite at once, like a crash. A persistent Azurite saves its metadata only every few
    /// seconds and on shutdown, so blobs written just before a kill can be lost; use
    /// <see cref="Dispose"/> to stop it cleanly.
    /// </summary>
    public void Kill() => StopProcess();

    private const int SigTerm = 15;

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int SendSignal(int pid, int signal);

    private void StopProcess()
    {
        var process = _process;
        _process = null;
        if (process is null)
        {
            return;
        }

        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit(10_000);
            }
        }
        catch (InvalidOperationException)
        {
            // Already exited.
        }
        catch (Win32Exception)
        {
            // Exiting while we killed it.
        }

        process.Dispose();
    }

    private async Task StartCoreAsync(CancellationToken cancellationToken)
    {
        var executable = FindExecutable();
        string location;
        if (_persistentLocation is null)
        {
            _temporaryLocation = Path.Combine(Path.GetTempPath(), "affect-azurite-" + Guid.NewGuid().ToString("N"));
            location = _temporaryLocation;
        }
        else
        {
            location = Path.GetFullPath(_persistentLocation);
        }

        Directory.CreateDirectory(location);
        var fixedPorts = _requestedBlobPort != 0 || _requestedQueuePort != 0 || _requestedTablePort != 0;
        for (var attempt = 1; ; attempt++)
        {
            var free = FreePorts(3);
            BlobPort = _requestedBlobPort != 0 ? _requestedBlobPort : free[0];
            QueuePort = _requestedQueuePort != 0 ? _requestedQueuePort : free[1];
            TablePort = _requestedTablePort != 0 ? _requestedTablePort : free[2];
            _process = Launch(executable, location);
            var failure = await WaitUntilListeningAsync(cancellationToken);
            if (failure is null)
            {
                return;
            }

            StopProcess();

            // A free port can be taken between probing and Azurite binding it: try fresh ones.
            if (fixedPorts || attempt == 3)
            {
                throw new InvalidOperationException($"Azurite ('{executable}') did not start: {failure}");
            }
        }
    }

    private Process Launch(string executable, string location)
    {
        var start = new ProcessStartInfo(executable)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = false,
            WorkingDirectory = location,
        };
        foreach (var argument in Arguments(location))
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment.Remove("AZURITE_ACCOUNTS");
        lock (_output)
        {
            _output.Clear();
        }

        var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => Capture(e.Data);
        process.ErrorDataReceived += (_, e) => Capture(e.Data);
        try
        {
            process.Start();
        }
        catch (Win32Exception e)
        {
            process.Dispose();
            throw new InvalidOperationException($"Cannot run Azurite at '{executable}': {e.Message}. Run infra/install-test-tools.sh or set AFFECT_AZURITE.", e);
        }

        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private IEnumerable<string> Arguments(string location)
    {
        yield return "--blobHost";
        yield return "127.0.0.1";
        yield return "--blobPort";
        yield return BlobPort.ToString(CultureInfo.InvariantCulture);
        yield return "--queueHost";
        yield return "127.0.0.1";
        yield return "--queuePort";
        yield return QueuePort.ToString(CultureInfo.InvariantCulture);
        yield return "--tableHost";
        yield return "127.0.0.1";
        yield return "--tablePort";
        yield return TablePort.ToString(CultureInfo.InvariantCulture);
        if (_persistentLocation is null)
        {
            // Azurite refuses --location together with in-memory persistence; it runs in the temp folder.
            yield return "--inMemoryPersistence";
        }
        else
        {
            yield return "--location";
            yield return location;

            // A clean shutdown waits for idle keep-alive connections to time out: keep that short.
            foreach (var service in new[] { "--blobKeepAliveTimeout", "--queueKeepAliveTimeout", "--tableKeepAliveTimeout" })
            {
                yield return service;
                yield return "1";
            }
        }

        yield return "--skipApiVersionCheck";
        yield return "--loose";
        yield return "--silent";
        yield return "--disableTelemetry";
    }

    /// <summary>Waits until all three ports accept connections; returns why not, or null when ready.</summary>
    private async Task<string?> WaitUntilListeningAsync(CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + StartTimeout;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var process = _process!;
            if (process.HasExited)
            {
                process.WaitForExit();
                return $"it exited with code {process.ExitCode}. Output:\n{CapturedOutput()}";
            }

            if (await AcceptsAsync(BlobPort, cancellationToken) && await AcceptsAsync(QueuePort, cancellationToken) && await AcceptsAsync(TablePort, cancellationToken))
            {
                return null;
            }

            if (DateTime.UtcNow > deadline)
            {
                return $"ports {BlobPort}/{QueuePort}/{TablePort} did not answer within {StartTimeout.TotalSeconds:0} s. Output:\n{CapturedOutput()}";
            }

            await Task.Delay(100, cancellationToken);
        }
    }

    private static async Task<bool> AcceptsAsync(int port, CancellationToken cancellationToken)
    {
        using var client = new TcpClient();
        try
        {
            await client.ConnectAsync(IPAddress.Loopback, port, cancellationToken);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    /// <summary>Distinct free loopback ports (all bound at once, then released).</summary>
    private static int[] FreePorts(int count)
    {
        var listeners = new TcpListener[count];
        try
        {
            for (var i = 0; i < count; i++)
            {
                listeners[i] = new TcpListener(IPAddress.Loopback, 0);
                listeners[i].Start();
            }

            return [.. listeners.Select(l => ((IPEndPoint)l.LocalEndpoint).Port)];
        }
        finally
        {
            foreach (var listener in listeners)
            {
                listener?.Stop();
            }
        }
    }

    private void Capture(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            if (_output.Length < 64_000)
            {
                _output.AppendLine(line);
            }
        }
    }

    private string CapturedOutput()
    {
        lock (_output)
        {
            return _output.Length == 0 ? "(none)" : _output.ToString();
        }
    }
}
