using Affect.Features.Functionals;
using Affect.Features.IO;

namespace Affect.Features.Tests.Functionals;

public sealed class FunctionalsParityTests
{
    [Fact]
    public void NamesMatchOpenSmileHeader()
    {
        var (columns, _) = ReferenceData.ReadCsv(Path.Combine(ReferenceData.Root, "functionals", "speech1.csv"));
        Assert.Equal(ComParEFunctionals.Count, columns.Length);
        Assert.Equal(columns, ComParEFunctionals.Names);
    }

    [Fact]
    public void InputColumnsMatchLldHeader()
    {
        var header = File.ReadAllLines(Path.Combine(ReferenceData.Root, "lld", "speech1.csv"))[0].Split(';')[2..];
        Assert.Equal(header, ComParEFunctionals.InputColumns);
    }

    public static TheoryData<string> Set2 => [.. ReferenceData.Set2Names()];

    /// <summary>
    /// From openSMILE's exact float32 LLDs: every functional that does not depend on the unrecoverable spectral-delta
    /// frame (see docs/parity.md) matches on every file; with that block included at least 90 % match.
    /// </summary>
    [Theory]
    [MemberData(nameof(Set2))]
    public void Set2HtkParity(string name)
    {
        var (lld, frames) = ReferenceData.Set2Lld(name);
        var reference = ReferenceData.Set2Functionals(name);
        var ours = ComParEFunctionals.Compute(lld, frames, ReferenceData.Columns, name);
        var report = FunctionalsParity.Compare(ours, reference);
        var outside = report.Mismatches.Where(m => ComParEFunctionals.Classes[m.Index].Group != "spectral contour, delta").ToList();
        int considered = ComParEFunctionals.Classes.Count(c => c.Group != "spectral contour, delta");
        Assert.True(
            outside.Count <= 0.02 * considered,
            $"{name}: {outside.Count} of {considered} outside tolerance: {string.Join("; ", outside.Take(10).Select(m => $"{ComParEFunctionals.Names[m.Index]} ours={m.Ours:G9} ref={m.Reference:G9}"))}");
        Assert.True(report.MatchFraction >= 0.90, $"{name}: only {report.Matches}/{ComParEFunctionals.Count} match");
    }

    public static TheoryData<string> Set3 => [.. Directory.GetFiles(Path.Combine(ReferenceData.Root, "set3", "lld_htk"), "*.htk").Select(f => Path.GetFileNameWithoutExtension(f)!).Order(StringComparer.Ordinal)];

    /// <summary>
    /// From openSMILE's own LLD file of a recording that ends inside voiced speech (set 3): the pitch frames decided at
    /// the end of input are recovered from the file's voicing deltas, so every functional outside the unrecoverable
    /// spectral-delta block matches, those of the six voicing contours included.
    /// </summary>
    [Theory]
    [MemberData(nameof(Set3))]
    public void Set3HtkParity(string name)
    {
        var (lld, frames, width) = HtkFormat.Read(Path.Combine(ReferenceData.Root, "set3", "lld_htk", name + ".htk"));
        Assert.Equal(ReferenceData.Columns.Count, width);
        var reference = HtkFormat.Read(Path.Combine(ReferenceData.Root, "set3", "functionals_htk", name + ".htk")).Values;
        var report = FunctionalsParity.Compare(ComParEFunctionals.Compute(lld, frames, ReferenceData.Columns, name), reference);
        var outside = report.Mismatches.Where(m => ComParEFunctionals.Classes[m.Index].Group != "spectral contour, delta").ToList();
        Assert.True(outside.Count == 0, $"{name}: {string.Join("; ", outside.Take(10).Select(m => $"{ComParEFunctionals.Names[m.Index]} ours={m.Ours:G9} ref={m.Reference:G9}"))}");
    }

    [Fact]
    public void SilenceGivesFiniteValuesAndExactZerosForVoicing()
    {
        var (lld, frames) = ReferenceData.Set2Lld("silence_1s");
        var ours = ComParEFunctionals.Compute(lld, frames, ReferenceData.Columns, "silence_1s");
        Assert.All(ours, v => Assert.True(float.IsFinite(v)));
        Assert.Equal(0f, ours[ComParEFunctionals.Names.ToList().IndexOf("F0final_sma_amean")]);
    }

    [Fact]
    public void MissingColumnIsNamedInError()
    {
        var cols = ReferenceData.Columns.ToArray();
        cols[3] = "bogus";
        var ex = Assert.Throws<ArgumentException>(() => ComParEFunctionals.Compute(new float[130 * 10], 10, cols, "x.htk"));
        Assert.Contains("x.htk: columns: missing 1", ex.Message, StringComparison.Ordinal);
        Assert.Contains("jitterDDP_sma", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CommittedParitySectionMatchesGenerator()
    {
        string docs = Path.Combine(Directory.GetParent(ReferenceData.Root)!.Parent!.Parent!.FullName, "docs", "parity.md");
        string section = FunctionalsParity.RenderMarkdown(FunctionalsParityRun.RunSet2(ReferenceData.Root));
        if (Environment.GetEnvironmentVariable("AFFECT_UPDATE_PARITY") == "1")
        {
            string doc = File.Exists(docs) ? File.ReadAllText(docs) : "# Parity\n";
            File.WriteAllText(docs, FunctionalsParityRun.ReplaceSection(doc, section));
        }

        Assert.True(File.Exists(docs), $"{docs} missing: run `affect features parity-functionals --reference tests/data/opensmile --markdown docs/parity.md`");
        Assert.Equal(section, FunctionalsParityRun.ExtractSection(File.ReadAllText(docs)));
    }
}
