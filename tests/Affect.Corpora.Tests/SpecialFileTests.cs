using System.Diagnostics;
using System.Text;

namespace Affect.Corpora.Tests;

/// <summary>
/// FIFOs, devices, oversized files and symbolic links in a corpus folder: validation must answer (not hang or run out
/// of memory), only read regular files inside the corpus folder, and never quote what lies outside it.
/// </summary>
public sealed class SpecialFileTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("affect-special-").FullName;
    private readonly string _corpus;
    private readonly string _outside;

    public SpecialFileTests()
    {
        _corpus = Path.Combine(_dir, "corpus");
        _outside = Path.Combine(_dir, "outside");
        Directory.CreateDirectory(_outside);
        foreach (var (path, bytes) in new CorpusFixture().Files)
        {
            string full = Path.Combine(_corpus, path);
            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            File.WriteAllBytes(full, bytes);
        }
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string At(string relative) => Path.Combine(_corpus, relative);

    /// <summary>Validates on a worker thread so a regression (a blocking open) fails the test instead of hanging it.</summary>
    private IReadOnlyList<CorpusProblem> ValidateWithoutHanging()
    {
        var task = Task.Run(() => CorpusValidator.ValidateFolder(_corpus));
        Assert.True(task.Wait(TimeSpan.FromSeconds(60)), "validation did not return (blocked on a special file?)");
        return task.Result;
    }

    private static void MakeFifo(string path)
    {
        File.Delete(path);
        using var p = Process.Start(new ProcessStartInfo("mkfifo", [path]) { UseShellExecute = false })!;
        p.WaitForExit();
        Assert.Equal(0, p.ExitCode);
    }

    private void Link(string relative, string target)
    {
        string full = At(relative);
        if (Directory.Exists(full) && new DirectoryInfo(full).LinkTarget is null)
        {
            Directory.Delete(full, recursive: true);
        }

        File.Delete(full);
        File.CreateSymbolicLink(full, target);
    }

    [Fact]
    public void A_fifo_as_audio_or_labels_is_a_problem_not_a_hang()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        MakeFifo(At("audio/a1.wav"));
        MakeFifo(At("labels/a2.csv"));
        var problems = ValidateWithoutHanging();
        Assert.Contains(problems, p => p.File == "audio/a1.wav" && p.Field == "file" && p.Message.Contains("FIFO"));
        Assert.Contains(problems, p => p.File == "labels/a2.csv" && p.Field == "file" && p.Message.Contains("FIFO"));
    }

    [Fact]
    public void A_label_file_linked_to_dev_zero_is_a_problem_not_out_of_memory()
    {
        if (OperatingSystem.IsWindows() || !File.Exists("/dev/zero"))
        {
            return;
        }

        // /dev/zero lies outside the corpus, so confinement catches it first; a device inside the corpus root would be
        // refused as a device — that path is covered through RegularFile in the audio tests.
        Link("labels/a1.csv", "/dev/zero");
        var problems = ValidateWithoutHanging();
        Assert.Contains(problems, p => p.File == "manifest.json" && p.Field == "files[0].labels.path" && p.Message.Contains("outside the corpus folder"));
    }

    [Fact]
    public void A_manifest_that_is_a_fifo_is_a_problem()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        MakeFifo(At("manifest.json"));
        var p = Assert.Single(ValidateWithoutHanging());
        Assert.Equal(("manifest.json", "file"), (p.File, p.Field));
        Assert.Contains("FIFO", p.Message);
    }

    [Fact]
    public void A_manifest_linked_outside_or_too_large_is_a_problem()
    {
        string outsideManifest = Path.Combine(_outside, "manifest.json");
        File.Copy(At("manifest.json"), outsideManifest);
        Link("manifest.json", outsideManifest);
        var p = Assert.Single(ValidateWithoutHanging());
        Assert.Equal(("manifest.json", "file"), (p.File, p.Field));
        Assert.Contains("outside the corpus folder", p.Message);

        File.Delete(At("manifest.json"));
        using (var fs = new FileStream(At("manifest.json"), FileMode.Create))
        {
            fs.SetLength(CorpusManifest.MaxFileBytes + 1);
        }

        p = Assert.Single(ValidateWithoutHanging());
        Assert.Contains($"expected at most {CorpusManifest.MaxFileBytes} bytes", p.Message);
    }

    [Fact]
    public void An_oversized_label_file_is_refused_before_it_is_read()
    {
        using (var fs = new FileStream(At("labels/a1.csv"), FileMode.Create))
        {
            fs.SetLength(LabelTable.MaxFileBytes + 1); // sparse on Linux: no disk space, no time
        }

        var problems = ValidateWithoutHanging();
        Assert.Contains(problems, p => p.File == "labels/a1.csv" && p.Field == "file" && p.Message.Contains($"expected at most {LabelTable.MaxFileBytes} bytes"));
    }

    [Fact]
    public void Audio_linked_outside_the_corpus_is_refused()
    {
        string outsideWav = Path.Combine(_outside, "a1.wav");
        File.Copy(At("audio/a1.wav"), outsideWav);
        Link("audio/a1.wav", outsideWav);
        var problems = ValidateWithoutHanging();
        var p = Assert.Single(problems);
        Assert.Equal(("manifest.json", "files[0].audio"), (p.File, p.Field));
        Assert.Contains("outside the corpus folder", p.Message);
    }

    [Fact]
    public void A_label_file_linked_outside_is_refused_without_quoting_its_content()
    {
        string secret = Path.Combine(_outside, "passwd");
        File.WriteAllText(secret, "root:x:0:0:root:/root:/bin/bash\nsecret-line-two\n");
        Link("labels/a1.csv", secret);
        var problems = ValidateWithoutHanging();
        Assert.Contains(problems, p => p.Field == "files[0].labels.path" && p.Message.Contains("outside the corpus folder"));
        string all = string.Join("\n", problems.Select(p => p.ToString()));
        Assert.DoesNotContain("root:x", all);
        Assert.DoesNotContain("secret-line", all);
    }

    [Fact]
    public void A_linked_folder_leading_outside_is_refused()
    {
        string labels = Path.Combine(_outside, "labels");
        Directory.CreateDirectory(labels);
        File.Copy(At("labels/a1.csv"), Path.Combine(labels, "a1.csv"));
        File.Copy(At("labels/a2.csv"), Path.Combine(labels, "a2.csv"));
        Link("labels", labels);
        var problems = ValidateWithoutHanging();
        Assert.Equal(2, problems.Count(p => p.Message.Contains("outside the corpus folder")));
    }

    [Fact]
    public void Links_that_stay_inside_the_corpus_are_accepted()
    {
        Directory.CreateDirectory(At("store"));
        File.Move(At("audio/a1.wav"), At("store/a1.wav"));
        Link("audio/a1.wav", "../store/a1.wav");
        Assert.Empty(ValidateWithoutHanging());
    }

    [Fact]
    public void A_corpus_reached_through_a_linked_root_still_validates()
    {
        string alias = Path.Combine(_dir, "alias");
        Directory.CreateSymbolicLink(alias, _corpus);
        Assert.Empty(CorpusValidator.ValidateFolder(alias));
    }

    [Fact]
    public void Label_excerpts_in_problems_are_short_and_escaped()
    {
        File.WriteAllText(At("labels/a1.csv"), "time,A_r1,A_r2,V_r1\n0,\u001b[31m" + new string('x', 500) + ",0,0\n", new UTF8Encoding(false));
        var problems = ValidateWithoutHanging();
        var p = Assert.Single(problems, p => p.File == "labels/a1.csv" && p.Field.StartsWith("line 2", StringComparison.Ordinal));
        Assert.DoesNotContain('\u001b', p.ToString());
        Assert.True(p.ToString().Length < 300, p.ToString());
    }
}
