using System.Buffers.Binary;

namespace Affect.Cli.Tests;

public sealed class CommandErrorTests
{
    [Fact]
    public async Task Corpus_synth_twice_with_the_same_seed_is_byte_identical_and_another_seed_differs()
    {
        string a = CliProcess.TempDir(), b = CliProcess.TempDir(), c = CliProcess.TempDir();
        foreach (var (dir, seed) in new[] { (a, "4"), (b, "4"), (c, "5") })
        {
            var r = await CliProcess.RunAsync("corpus", "synth", "--kind", "usoms", "--seed", seed, "--out", dir);
            Assert.True(r.ExitCode == 0, CliProcess.Describe(r.Stdout, r.Stderr));
        }

        var sa = CliProcess.Snapshot(a);
        var sb = CliProcess.Snapshot(b);
        var sc = CliProcess.Snapshot(c);
        Assert.Contains("manifest.json", sa.Keys);
        Assert.Equal(sa.Keys.Order(), sb.Keys.Order());
        Assert.All(sa, kv => Assert.Equal(kv.Value.Content, sb[kv.Key].Content));
        Assert.Contains(sa, kv => !sc.TryGetValue(kv.Key, out var other) || !other.Content.AsSpan().SequenceEqual(kv.Value.Content));

        var valid = await CliProcess.RunAsync("corpus", "validate", a);
        Assert.Equal(0, valid.ExitCode);
    }

    [Fact]
    public async Task A_bad_manifest_gives_one_clear_line_and_exit_code_1()
    {
        string dir = CliProcess.TempDir();
        var r0 = await CliProcess.RunAsync("corpus", "synth", "--kind", "usoms", "--seed", "1", "--out", dir);
        Assert.Equal(0, r0.ExitCode);
        File.WriteAllText(Path.Combine(dir, "manifest.json"), "{ \"schemaVersion\": 1, \"name\": \"x\", \"kind\": \"sideways\" ");
        var r = await CliProcess.RunAsync("corpus", "validate", dir);
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("manifest.json", r.Stderr);
        Assert.DoesNotContain("   at ", r.Stderr); // no stack trace
    }

    [Fact]
    public async Task Bad_wavs_give_one_clear_line_naming_the_file_and_exit_code_1()
    {
        string dir = CliProcess.TempDir();
        string truncated = Path.Combine(dir, "truncated.wav");
        var header = new byte[44];
        "RIFF"u8.CopyTo(header);
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(4), 36 + 32000);
        "WAVEfmt "u8.CopyTo(header.AsSpan(8));
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(16), 16);
        BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(20), 1);
        BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(22), 1);
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(24), 16000);
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(28), 32000);
        BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(32), 2);
        BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(34), 16);
        "data"u8.CopyTo(header.AsSpan(36));
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(40), 32000);
        File.WriteAllBytes(truncated, [.. header, .. new byte[100]]);

        string mp3 = Path.Combine(dir, "compressed.wav");
        var compressed = (byte[])header.Clone();
        BinaryPrimitives.WriteUInt16LittleEndian(compressed.AsSpan(20), 0x55);
        File.WriteAllBytes(mp3, [.. compressed, .. new byte[32000]]);

        string empty = Path.Combine(dir, "empty.wav");
        File.WriteAllBytes(empty, []);

        foreach (string file in new[] { truncated, mp3, empty })
        {
            var r = await CliProcess.RunAsync("audio", "info", file);
            Assert.Equal(1, r.ExitCode);
            string line = Assert.Single(r.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
            Assert.Contains(Path.GetFileName(file), line);
        }
    }

    [Fact]
    public async Task Audio_info_refuses_a_fifo_instead_of_blocking_on_it()
    {
        string dir = CliProcess.TempDir();
        string fifo = Path.Combine(dir, "pipe.wav");
        using (var mkfifo = System.Diagnostics.Process.Start("mkfifo", [fifo]))
        {
            await mkfifo.WaitForExitAsync();
            Assert.Equal(0, mkfifo.ExitCode);
        }

        // Nothing ever writes to the FIFO: opening it for reading would block for ever.
        var run = CliProcess.RunAsync("audio", "info", fifo);
        var finished = await Task.WhenAny(run, Task.Delay(TimeSpan.FromMinutes(2)));
        Assert.True(finished == run, "affect audio info blocked on a FIFO");
        var r = await run;
        Assert.Equal(1, r.ExitCode);
        string line = Assert.Single(r.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("pipe.wav", line);
        Assert.Contains("regular file", line);
    }

    [Fact]
    public async Task Usage_errors_exit_with_2()
    {
        Assert.Equal(2, (await CliProcess.RunAsync("frobnicate")).ExitCode);
        Assert.Equal(2, (await CliProcess.RunAsync("demo", "--sedd", "1")).ExitCode);
        Assert.Equal(2, (await CliProcess.RunAsync("corpus", "synth", "--kind", "nope", "--out", "x")).ExitCode);
        var scale = await CliProcess.RunAsync("corpus", "synth", "--kind", "usoms", "--scale", "huge", "--out", "x");
        Assert.Equal(2, scale.ExitCode);
        Assert.Contains("--scale: 'huge' is not one of demo, paper", scale.Stderr, StringComparison.Ordinal);
        Assert.Equal(2, (await CliProcess.RunAsync("demo", "--scale", "tiny")).ExitCode);
    }
}
