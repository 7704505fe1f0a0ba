using System.Globalization;
using System.Text;

namespace Affect.Learning.Tests;

/// <summary>The parallel table reader: exact numbers, the first error in the file, and the .npy + sidecar format.</summary>
public sealed class FeatureTableParsingTests
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    [Fact]
    public void Every_cell_parses_to_the_same_double_as_double_Parse()
    {
        // Many rows (several parallel blocks) of numbers written the ways feature tools write them, including
        // 17-digit round-trip strings, openSMILE's %e, long mantissas past 19 digits and subnormals.
        var rng = new Random(5);
        var cells = new List<string>();
        for (int i = 0; i < 6000; i++)
        {
            double v = BitConverter.Int64BitsToDouble(rng.NextInt64()) is var b && double.IsFinite(b) ? b : rng.NextDouble();
            double w = (rng.NextDouble() - 0.5) * Math.Pow(10, rng.Next(-30, 30));
            cells.Add((i % 6) switch
            {
                0 => v.ToString("R", Inv),
                1 => w.ToString("E6", Inv),
                2 => w.ToString("G17", Inv),
                3 => w.ToString("F12", Inv) + "0000000000000001",
                4 => "4.9406564584124654e-324",
                _ => (rng.Next(2) == 0 ? "+" : "-") + rng.Next(1000).ToString(Inv) + "." + rng.NextInt64().ToString(Inv) + "e-" + rng.Next(300).ToString(Inv),
            });
        }

        const int Cols = 6;
        var text = new StringBuilder("name,a,b,c,d,e,f,class\n");
        for (int r = 0; r < cells.Count / Cols; r++)
        {
            text.Append(CultureInfo.InvariantCulture, $"u{r},{string.Join(',', cells.Skip(r * Cols).Take(Cols))},x\n");
        }

        var table = FeatureTable.ReadCsv(new StringReader(text.ToString()), "t.csv");
        Assert.Equal(cells.Count / Cols, table.Names.Count);
        for (int i = 0; i < cells.Count; i++)
        {
            Assert.Equal(BitConverter.DoubleToInt64Bits(double.Parse(cells[i], NumberStyles.Float, Inv)), BitConverter.DoubleToInt64Bits(table.Features.Data[i]));
        }
    }

    [Fact]
    public void With_many_bad_rows_the_first_in_the_file_is_reported()
    {
        var text = new StringBuilder("name,f1,class\n");
        for (int r = 0; r < 5000; r++)
        {
            text.Append(CultureInfo.InvariantCulture, $"u{r},{(r >= 1234 && r % 7 == 0 ? "x1" : "1.5")},a\n");
        }

        // Row 1239 is the first multiple of 7 from 1234; the header is line 1, so it is line 1241.
        var e = Assert.Throws<InvalidDataException>(() => FeatureTable.ReadCsv(new StringReader(text.ToString()), "big.csv"));
        Assert.Equal("big.csv: line 1241: column 'f1': 'x1' is not a number", e.Message);
    }

    [Fact]
    public void Crlf_bom_blank_lines_and_numbers_net_accepts_but_fast_float_does_not_are_read()
    {
        var table = FeatureTable.ReadCsv(new StringReader("\uFEFFname,f1,f2,class\r\n a , 1.5 ,1e3,hi\r\n\r\n  \r\nb,-.5,+2.,lo\r\n"), "w.csv");
        Assert.Equal(["a", "b"], table.Names);
        Assert.Equal([1.5, 1000, -0.5, 2], table.Features.Data);
        Assert.Equal(["hi", "lo"], table.Labels);
        Assert.Equal([2, 5], table.SourceLines);
    }

    [Fact]
    public void Arff_data_skips_comments_and_counts_lines()
    {
        const string text = "@relation r\n@attribute name string\n@attribute f1 numeric\n@attribute class {a,b}\n@data\n% a comment\n'x',1,a\n\n'y',2,b\n'z',3\n";
        var e = Assert.Throws<InvalidDataException>(() => FeatureTable.ReadArff(new StringReader(text), "t.arff"));
        Assert.Equal("t.arff: line 10: 2 values, 3 attributes declared", e.Message);
        var ok = FeatureTable.ReadArff(new StringReader(text[..text.LastIndexOf("'z'", StringComparison.Ordinal)]), "t.arff");
        Assert.Equal([7, 9], ok.SourceLines);
    }

    [Fact]
    public void Npy_with_sidecar_reads_back_the_same_table_as_its_csv()
    {
        string dir = Directory.CreateTempSubdirectory("npytable").FullName;
        try
        {
            var csv = FeatureTable.ReadCsv(new StringReader("name,f1,f2,class\na,0.1,1e-300,hi\nb,3.25,-7,?\n"), "t.csv");
            string path = Path.Combine(dir, "t.npy");
            NpyTable.Write(csv, path);
            Assert.True(File.Exists(Path.Combine(dir, "t.columns.json")));
            var npy = FeatureTable.Read(path);
            Assert.Equal(csv.Features.Data, npy.Features.Data);
            Assert.Equal(csv.FeatureNames, npy.FeatureNames);
            Assert.Equal(csv.Names, npy.Names);
            Assert.Equal(["hi", null], npy.Labels);

            File.Delete(Path.Combine(dir, "t.columns.json"));
            var e = Assert.Throws<InvalidDataException>(() => FeatureTable.Read(path));
            Assert.Equal($"{path}: columns: no sidecar t.columns.json beside it (feature names, row names and classes)", e.Message);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void Float32_npy_is_read_and_a_short_file_is_refused()
    {
        var bytes = NpyMatrix.WriteFloat32(new RealMatrix(2, 2, [1, 2.5, -3, 4]));
        var (values, rows, cols) = NpyTable.ReadMatrix(bytes, "m.npy");
        Assert.Equal((2, 2), (rows, cols));
        Assert.Equal([1, 2.5, -3, 4], values);
        var e = Assert.Throws<InvalidDataException>(() => NpyTable.ReadMatrix(bytes.AsSpan(0, bytes.Length - 4), "m.npy"));
        Assert.Equal("m.npy: data: 12 bytes, the shape (2, 2) needs 16", e.Message);
    }
}
