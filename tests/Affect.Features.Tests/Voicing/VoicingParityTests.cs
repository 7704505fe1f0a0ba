using System.Runtime.InteropServices;
using Affect.Audio;
using Affect.Features.Voicing;
using Xunit.Abstractions;

namespace Affect.Features.Tests.Voicing;

public sealed class VoicingParityTests(ITestOutputHelper output)
{
    private static readonly Lazy<Dictionary<string, (float[] Ours, float[] Reference)>> Results = new(() =>
    {
        var d = new Dictionary<string, (float[], float[])>();
        foreach (string name in VoicingReference.Set1Speech.Concat(VoicingReference.Set2Speech))
        {
            (float[] reference, float[] wave) = VoicingReference.Load(name);
            d[name] = (VoicingDescriptors.Compute(wave, reference.Length / 12), reference);
        }

        return d;
    });

    private static (double R, double Nrmse, double MaxAbs) ColumnParity(int column)
    {
        var ours = new List<double>();
        var reference = new List<double>();
        foreach ((float[] o, float[] r) in Results.Value.Values)
        {
            for (int i = 0; i < r.Length / 12; i++)
            {
                ours.Add(o[(i * 12) + column]);
                reference.Add(r[(i * 12) + column]);
            }
        }

        double maxAbs = ours.Zip(reference, (a, b) => Math.Abs(a - b)).Max();
        return (Correlation.Pearson(CollectionsMarshal.AsSpan(ours), CollectionsMarshal.AsSpan(reference)), VoicingReference.Nrmse(ours, reference), maxAbs);
    }

    public static TheoryData<int> Columns() => [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11];

    [Theory]
    [MemberData(nameof(Columns))]
    public void Column_matches_openSMILE_over_all_speech_files(int column)
    {
        (double r, double nrmse, double maxAbs) = ColumnParity(column);
        output.WriteLine($"{VoicingDescriptors.ColumnNames[column]}: r={r:F6} nrmse={nrmse:E2} maxAbs={maxAbs:E2}");
        Assert.True(r >= 0.999, $"{VoicingDescriptors.ColumnNames[column]}: r = {r:F5} < 0.999");
        Assert.True(nrmse <= 0.005, $"{VoicingDescriptors.ColumnNames[column]}: NRMSE = {nrmse:E3} > 0.005");
    }

    [Fact]
    public void Every_row_count_equals_the_reference()
    {
        foreach (string name in VoicingReference.Set1Speech.Concat(VoicingReference.Set2Speech).Concat(["silence", "tone220", "noise"]))
        {
            (float[] reference, float[] wave) = VoicingReference.Load(name);
            Assert.Equal(reference.Length / 12, VoicingDescriptors.RowCount(wave.Length));
        }
    }

    [Theory]
    [InlineData("silence_1s")]
    [InlineData("tone220_2s")]
    [InlineData("whitenoise_2s")]
    [InlineData("silence")]
    [InlineData("tone220")]
    [InlineData("noise")]
    public void Synthetic_signals_match_the_reference(string name)
    {
        (float[] reference, float[] wave) = VoicingReference.Load(name);
        float[] ours = VoicingDescriptors.Compute(wave, reference.Length / 12);
        Assert.All(ours, v => Assert.True(float.IsFinite(v)));
        for (int i = 0; i < ours.Length; i++)
        {
            int c = i % 12;
            double tol = c switch { 0 => 0.01, 5 => 0.05, 11 => 0.01, _ => 1e-3 };
            Assert.True(Math.Abs(ours[i] - reference[i]) <= tol, $"{name} row {i / 12} {VoicingDescriptors.ColumnNames[c]}: {ours[i]} vs {reference[i]}");
        }

        if (name.StartsWith("silence", StringComparison.Ordinal))
        {
            for (int r = 0; r < ours.Length / 12; r++)
            {
                Assert.Equal(0f, ours[r * 12]);
                Assert.Equal(-100f, ours[(r * 12) + 5]);
            }
        }
    }

    [Fact]
    public void Delta_rule_reproduces_openSMILE_deltas_from_its_own_smoothed_values()
    {
        foreach (string name in VoicingReference.Set2Speech)
        {
            float[] reference = VoicingReference.ReadHtk(name);
            int rows = reference.Length / 12;
            var work = new float[reference.Length];
            for (int r = 0; r < rows; r++)
            {
                Array.Copy(reference, r * 12, work, r * 12, 6);
            }

            VoicingDescriptors.ApplyDeltas(work, rows);
            for (int i = 0; i < work.Length; i++)
            {
                if (i % 12 >= 6)
                {
                    Assert.True(Math.Abs(work[i] - reference[i]) <= 1e-5 * Math.Max(1, Math.Abs(reference[i])), $"{name} row {i / 12} col {i % 12}: {work[i]} vs {reference[i]}");
                }
            }
        }
    }

    [Fact]
    public void Short_cut_and_tiny_inputs_give_finite_values()
    {
        float[] wave = VoicingReference.Wav("speech1", false);
        float[] cut = wave.AsSpan(8000, 4800).ToArray(); // 0.3 s
        int rows = VoicingDescriptors.RowCount(cut.Length);
        Assert.Equal(26, rows);
        float[] ours = VoicingDescriptors.Compute(cut, rows);
        Assert.Equal(26 * 12, ours.Length);
        Assert.All(ours, v => Assert.True(float.IsFinite(v)));

        Assert.Equal(0, VoicingDescriptors.RowCount(959));
        float[] tiny = VoicingDescriptors.Compute(cut.AsSpan(0, 500), 3);
        for (int r = 0; r < 3; r++)
        {
            Assert.Equal(0f, tiny[r * 12]);
            Assert.Equal(-100f, tiny[(r * 12) + 5]);
            Assert.Equal(0f, tiny[(r * 12) + 11]);
        }

        Assert.Empty(VoicingDescriptors.Compute(cut, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => VoicingDescriptors.Compute(cut, -1));
    }

    [Fact]
    public void Output_is_deterministic_and_thread_safe()
    {
        float[] wave = VoicingReference.Wav("speech2", false);
        int rows = VoicingDescriptors.RowCount(wave.Length);
        float[] first = VoicingDescriptors.Compute(wave, rows);
        float[][] parallel = new float[4][];
        Parallel.For(0, 4, i => parallel[i] = VoicingDescriptors.Compute(wave, rows));
        foreach (float[] p in parallel)
        {
            Assert.Equal(first, p);
        }
    }
}
