using System.Diagnostics;

namespace Affect.Audio.Tests;

/// <summary>Audio paths that are not regular files must fail fast with a clear message instead of blocking or filling memory.</summary>
public sealed class RegularFileTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("affect-regular-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static T WithoutHanging<T>(Func<T> action)
    {
        var task = Task.Run(action);
        Assert.True(task.Wait(TimeSpan.FromSeconds(60)), "the call did not return (blocked on a special file?)");
        return task.Result;
    }

    private string Fifo()
    {
        string path = Path.Combine(_dir, "pipe.wav");
        using var p = Process.Start(new ProcessStartInfo("mkfifo", [path]) { UseShellExecute = false })!;
        p.WaitForExit();
        Assert.Equal(0, p.ExitCode);
        return path;
    }

    [Fact]
    public void A_fifo_is_refused_by_every_path_based_reader()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        string fifo = Fifo();
        Assert.Contains("FIFO", RegularFile.Problem(fifo));
        var ex = WithoutHanging(() => Record.Exception(() => AudioLoader.LoadMono(fifo)));
        Assert.IsType<IOException>(ex, exactMatch: false);
        Assert.Equal("pipe.wav: file: is a FIFO (named pipe) (expected a regular file; reading it could wait forever)", ex.Message);
        Assert.IsType<IOException>(WithoutHanging(() => Record.Exception(() => WavReader.Read(fifo))), exactMatch: false);
    }

    [Fact]
    public void A_link_to_dev_zero_is_refused_as_a_device()
    {
        if (OperatingSystem.IsWindows() || !File.Exists("/dev/zero"))
        {
            return;
        }

        string link = Path.Combine(_dir, "zero.wav");
        File.CreateSymbolicLink(link, "/dev/zero");
        var ex = WithoutHanging(() => Record.Exception(() => AudioLoader.LoadMono(link)));
        Assert.Contains("character device", ex.Message);
    }

    [Fact]
    public void Directories_and_missing_files_are_named()
    {
        Assert.Equal("is a directory (expected a regular file)", RegularFile.Problem(_dir));
        Assert.Equal("does not exist", RegularFile.Problem(Path.Combine(_dir, "nothing.wav")));
        Assert.Throws<FileNotFoundException>(() => RegularFile.OpenRead(Path.Combine(_dir, "nothing.wav"), "nothing.wav"));
    }

    [Fact]
    public void Regular_files_and_links_to_them_open_and_the_size_cap_applies()
    {
        string file = Path.Combine(_dir, "a.bin");
        File.WriteAllBytes(file, new byte[100]);
        string link = Path.Combine(_dir, "b.bin");
        File.CreateSymbolicLink(link, "a.bin");
        Assert.Null(RegularFile.Problem(link));
        using (var s = RegularFile.OpenRead(link, "b.bin", maxBytes: 100))
        {
            Assert.Equal(100, s.Length);
        }

        var ex = Assert.Throws<IOException>(() => RegularFile.OpenRead(file, "a.bin", maxBytes: 99));
        Assert.Equal("a.bin: file: is 100 bytes (expected at most 99 bytes)", ex.Message);
    }

    [Fact]
    public void RealPath_follows_links_and_applies_dot_dot_after_them()
    {
        string a = Directory.CreateDirectory(Path.Combine(_dir, "x", "a")).FullName;
        string linkToA = Path.Combine(_dir, "la");
        Directory.CreateSymbolicLink(linkToA, a);

        // la/.. is x (the parent of the link's target), not _dir as a purely textual '..' would give.
        Assert.Equal(RegularFile.RealPath(Path.Combine(_dir, "x")), RegularFile.RealPath(linkToA + "/../"));
        Assert.Equal(RegularFile.RealPath(a), RegularFile.RealPath(linkToA));
    }

    [Fact]
    public void A_link_loop_is_an_error_not_a_stack_overflow()
    {
        string p = Path.Combine(_dir, "p");
        string q = Path.Combine(_dir, "q");
        File.CreateSymbolicLink(p, q);
        File.CreateSymbolicLink(q, p);
        Assert.Throws<IOException>(() => RegularFile.RealPath(p));
    }

    [Fact]
    public void WavFormatException_messages_stay_one_line()
    {
        var ex = new WavFormatException("evil\n\u001b[2Jname.wav", "riff.id", "bad");
        Assert.Equal("evil\\n\\u001B[2Jname.wav: riff.id: bad", ex.Message);
    }
}
