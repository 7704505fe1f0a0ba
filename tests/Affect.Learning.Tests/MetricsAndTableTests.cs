using Affect.Learning;

namespace Affect.Learning.Tests;

public sealed class MetricsAndTableTests
{
    [Fact]
    public void UarWarAndConfusion()
    {
        int[] t = [0, 0, 0, 0, 1, 1, 2, 2];
        int[] p = [0, 0, 0, 1, 1, 0, 2, 1];
        Assert.Equal(((3.0 / 4) + (1.0 / 2) + (1.0 / 2)) / 3, Metrics.Uar(t, p, 3), 12);
        Assert.Equal(5.0 / 8, Metrics.War(t, p), 12);
        var m = Metrics.ConfusionMatrix(t, p, 3);
        Assert.Equal(3, m[0, 0]);
        Assert.Equal(1, m[2, 1]);
    }

    [Fact]
    public void ReadsCsvWithSemicolonsAndArffAsOpenSmileWritesThem()
    {
        var csv = FeatureTable.ReadCsv(new StringReader("name;frameTime;f1;f2;class\n'a.wav';0.0;1.5;-2;hi\n'b.wav';0.0;3e-1;4;?\n"), "x.csv");
        Assert.Equal(["f1", "f2"], csv.FeatureNames);
        Assert.Equal(["a.wav", "b.wav"], csv.Names);
        Assert.Equal(0.3, csv.Features[1, 0]);
        Assert.Equal(["hi", null], csv.Labels);
        var arff = FeatureTable.ReadArff(new StringReader("@relation 'openSMILE_features'\n\n@attribute name string\n@attribute frameTime numeric\n@attribute f1 numeric\n@attribute f2 numeric\n@attribute class {lo,hi}\n\n@data\n\n'a.wav',0.000000,1.5,-2,hi\n'b.wav',0.000000,0.3,4,lo\n"), "x.arff");
        Assert.Equal(csv.Features.Data, arff.Features.Data);
        Assert.Equal(["hi", "lo"], arff.Labels);
        Assert.Equal(12, arff.SourceLines[1]);
    }

    [Theory]
    [InlineData("name,f1,class\na,1,x\nb,2\n", "x.csv: line 3: 2 cells, the header has 3")]
    [InlineData("name,f1,class\na,1,x\nb,abc,y\n", "x.csv: line 3: column 'f1': 'abc' is not a number")]
    [InlineData("name,f1,class\na,NaN,x\n", "x.csv: line 2: column 'f1': NaN is not a finite number")]
    public void CsvErrorsNameFileAndLine(string text, string message)
    {
        var e = Assert.Throws<InvalidDataException>(() => FeatureTable.ReadCsv(new StringReader(text), "x.csv"));
        Assert.Equal(message, e.Message);
    }

    [Fact]
    public void ClassifierRejectsUnseenTestClassAndSingleTrainClass()
    {
        var train = FeatureTable.ReadCsv(new StringReader("name,f1,f2,class\na,1,2,x\nb,2,1,y\nc,3,3,x\n"), "train.csv");
        var test = FeatureTable.ReadCsv(new StringReader("name,f1,f2,class\nd,1,2,x\ne,2,2,z\n"), "test.csv");
        var e = Assert.Throws<InvalidDataException>(() => UtteranceClassifier.Run(train, null, test, new LearnerOptions(LearnerKind.Kelm)));
        Assert.StartsWith("test.csv: line 3 ('e'): class 'z' does not occur in the training partition", e.Message, StringComparison.Ordinal);
        var single = FeatureTable.ReadCsv(new StringReader("name,f1,f2,class\na,1,2,x\nb,2,1,x\n"), "one.csv");
        var e2 = Assert.Throws<InvalidDataException>(() => UtteranceClassifier.Run(single, null, test, new LearnerOptions(LearnerKind.Kelm)));
        Assert.Contains("one.csv: class: the training partition has a single class ('x')", e2.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void NpyRoundTripsFloat32()
    {
        var m = new RealMatrix(2, 3, [1, 2.5, -3, 4, 5, 6.25]);
        var bytes = NpyMatrix.WriteFloat32(m);
        Assert.Equal(0, (bytes[8] + 10) % 64);
        Assert.Equal(m.Data, NpyMatrix.Read(bytes, "m.npy").Data);
        Assert.Throws<InvalidDataException>(() => NpyMatrix.Read(bytes.AsSpan(0, bytes.Length - 1), "m.npy"));
        var extra = Assert.Throws<InvalidDataException>(() => NpyMatrix.Read([.. bytes, 0, 0, 0, 0], "m.npy"));
        Assert.StartsWith("m.npy: data: 4 bytes after", extra.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void NpyMatrixIsTheFeatureArtifactFormat()
    {
        // The adapter writes exactly what Affect.Audio.NpyFormat writes and reads what it writes.
        var m = new RealMatrix(3, 2, [0.1, -2, 3.5, 1e-3, 7, 8]);
        var values = m.Data.Select(v => (float)v).ToArray();
        using var ms = new MemoryStream();
        Affect.Audio.NpyFormat.Write(ms, values, 3, 2);
        Assert.Equal(ms.ToArray(), NpyMatrix.WriteFloat32(m));
        var back = NpyMatrix.Read(ms.ToArray(), "f.npy");
        Assert.Equal((3, 2), (back.Rows, back.Cols));
        Assert.Equal(values.Select(v => (double)v), back.Data);
        var f8 = ms.ToArray();
        int at = System.Text.Encoding.ASCII.GetString(f8).IndexOf("<f4", StringComparison.Ordinal);
        f8[at + 2] = (byte)'8';
        var e = Assert.Throws<InvalidDataException>(() => NpyMatrix.Read(f8, "f.npy"));
        Assert.StartsWith("f.npy: descr:", e.Message, StringComparison.Ordinal);
    }
}
