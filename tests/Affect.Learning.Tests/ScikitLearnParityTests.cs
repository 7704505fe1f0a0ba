using System.Diagnostics;
using Affect.Audio;
using Affect.Learning;

namespace Affect.Learning.Tests;

/// <summary>Runs scikit-learn once on shared data (KernelRidge, PLSRegression, LinearSVC) and keeps its outputs.</summary>
public sealed class ScikitLearnReference : IDisposable
{
    public const double C = 0.01;
    public const double SvmC = 0.05;
    public static readonly int[] PlsFactors = [1, 3, 5, 10];

    private readonly string dir = Path.Combine(Path.GetTempPath(), "affect-learning-" + Guid.NewGuid().ToString("N"));

    public ScikitLearnReference()
    {
        Directory.CreateDirectory(dir);
        // one draw (shared class centers), split 180 train / 100 test
        (var all, var ally) = SyntheticData.Clusters(11, [110, 90, 80], 50, 0.5, 1.5);
        Train = all.SelectRows([.. Enumerable.Range(0, 180)]);
        TrainY = ally[..180];
        Test = all.SelectRows([.. Enumerable.Range(180, 100)]);
        TestY = ally[180..];
        Targets = TargetCoding.OneVsAll(TrainY, 3);
        Upsampled = ClassBalancing.UpsampleByReplication(TrainY, 3);

        File.WriteAllText(Path.Combine(dir, "xtr.csv"), SyntheticData.ToCsv(Train));
        File.WriteAllText(Path.Combine(dir, "xte.csv"), SyntheticData.ToCsv(Test));
        File.WriteAllText(Path.Combine(dir, "t.csv"), SyntheticData.ToCsv(Targets));
        File.WriteAllText(Path.Combine(dir, "up.csv"), string.Join(',', Upsampled) + "\n");
        File.WriteAllText(Path.Combine(dir, "ytr.csv"), string.Join(',', TrainY) + "\n");
        string script = $$"""
            import numpy as np, warnings
            from sklearn.kernel_ridge import KernelRidge
            from sklearn.cross_decomposition import PLSRegression
            from sklearn.svm import LinearSVC
            d = r'{{dir}}'
            ld = lambda f: np.loadtxt(d + '/' + f, delimiter=',', ndmin=2)
            xtr, xte, t = ld('xtr.csv'), ld('xte.csv'), ld('t.csv')
            up = ld('up.csv').astype(int).ravel(); ytr = ld('ytr.csv').astype(int).ravel()
            kr = KernelRidge(alpha=1.0 / {{C.ToString("R", System.Globalization.CultureInfo.InvariantCulture)}}, kernel='linear').fit(xtr, t)
            np.savetxt(d + '/kelm.csv', kr.predict(xte), delimiter=',', fmt='%.17g')
            for k in {{"[" + string.Join(",", PlsFactors) + "]"}}:
                with warnings.catch_warnings():
                    warnings.simplefilter('ignore')
                    pls = PLSRegression(n_components=k, scale=False, max_iter=5000, tol=1e-14).fit(xtr, t)
                np.savetxt(d + '/pls%d.csv' % k, pls.predict(xte), delimiter=',', fmt='%.17g')
            xm, xs = xtr.mean(0), xtr.std(0)
            svm = LinearSVC(C={{SvmC.ToString("R", System.Globalization.CultureInfo.InvariantCulture)}}).fit(((xtr - xm) / xs)[up], ytr[up])
            np.savetxt(d + '/svm.csv', svm.decision_function((xte - xm) / xs), delimiter=',', fmt='%.17g')
            """;
        File.WriteAllText(Path.Combine(dir, "ref.py"), script.Replace("\r", string.Empty, StringComparison.Ordinal));
        const string python = "/usr/bin/python3";
        if (!File.Exists(python))
        {
            throw new InvalidOperationException($"{python} is missing: the scikit-learn parity tests need Python 3 with numpy and scikit-learn");
        }

        using var p = Process.Start(new ProcessStartInfo(python, Path.Combine(dir, "ref.py")) { RedirectStandardError = true, RedirectStandardOutput = true })!;
        string err = p.StandardError.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0)
        {
            throw new InvalidOperationException("scikit-learn reference script failed: " + err);
        }
    }

    public RealMatrix Train { get; }
    public int[] TrainY { get; }
    public RealMatrix Test { get; }
    public int[] TestY { get; }
    public RealMatrix Targets { get; }
    public int[] Upsampled { get; }

    public RealMatrix Output(string name) => SyntheticData.ParseCsv(File.ReadAllText(Path.Combine(dir, name)));

    public void Dispose() => Directory.Delete(dir, recursive: true);
}

public sealed class ScikitLearnParityTests(ScikitLearnReference sk) : IClassFixture<ScikitLearnReference>
{
    [Fact]
    public void KelmLinearEqualsKernelRidge()
    {
        var k = Kernel.Linear.Train(sk.Train);
        var kt = Kernel.Linear.Cross(sk.Test, sk.Train);
        var expected = sk.Output("kelm.csv");
        var direct = kt.Multiply(KernelElm.SolveDirect(k, sk.Targets, ScikitLearnReference.C));
        var reduced = kt.Multiply(KernelElm.Prepare(k, sk.Targets).Coefficients(ScikitLearnReference.C));
        Assert.True(SyntheticData.MaxRelative(direct, expected) < 1e-6, $"direct: {SyntheticData.MaxRelative(direct, expected)}");
        Assert.True(SyntheticData.MaxRelative(reduced, expected) < 1e-6, $"reduced: {SyntheticData.MaxRelative(reduced, expected)}");
    }

    [Fact]
    public void KplsLinearEqualsPlsRegressionForNestedFactors()
    {
        var k = Kernel.Linear.Train(sk.Train);
        var pls = KernelPls.Fit(k, sk.Targets, ScikitLearnReference.PlsFactors.Max());
        var proj = pls.Project(Kernel.Linear.Cross(sk.Test, sk.Train));
        foreach (int f in ScikitLearnReference.PlsFactors)
        {
            var expected = sk.Output($"pls{f}.csv");
            double rel = SyntheticData.MaxRelative(pls.Predict(proj, f), expected);
            Assert.True(rel < 1e-5, $"{f} factors: relative difference {rel}");
        }
    }

    [Fact]
    public void SvmMatchesLinearSvc()
    {
        var scaler = FeatureScaler.Fit(sk.Train, FeatureScaling.ZScore);
        var xtr = scaler.Transform(sk.Train).SelectRows(sk.Upsampled);
        var ytr = sk.Upsampled.Select(i => sk.TrainY[i]).ToArray();
        var svm = LinearSvm.Fit(xtr, ytr, 3, ScikitLearnReference.SvmC, seed: 5);
        var ours = svm.Decision(scaler.Transform(sk.Test));
        var theirs = sk.Output("svm.csv");
        double uarOurs = Metrics.Uar(sk.TestY, TargetCoding.ArgMax(ours), 3);
        double uarTheirs = Metrics.Uar(sk.TestY, TargetCoding.ArgMax(theirs), 3);
        Assert.True(Math.Abs(uarOurs - uarTheirs) <= 0.01, $"UAR {uarOurs} vs LinearSVC {uarTheirs}");
        double r = Correlation.Pearson(ours.Data, theirs.Data);
        Assert.True(r >= 0.99, $"decision values r = {r}");
        Assert.All(svm.Epochs, e => Assert.True(e < 1000));
    }
}
