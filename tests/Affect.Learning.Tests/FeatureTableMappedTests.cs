using System.Globalization;
using System.Text;

namespace Affect.Learning.Tests;

/// <summary>Tables of a megabyte or more are parsed from a memory map: same values and the same errors as from text.</summary>
public sealed class FeatureTableMappedTests
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    [Theory]
    [InlineData(".csv")]
    [InlineData(".arff")]
    public void Large_file_reads_the_same_values_as_the_text_reader_and_names_the_first_bad_line(string ext)
    {
        var rng = new Random(3);
        int rows = 300, cols = 500;
        var sb = new StringBuilder();
        if (ext == ".arff")
        {
            sb.Append("@relation t\n@attribute name string\n");
            for (int j = 0; j < cols; j++)
            {
                sb.Append(Inv, $"@attribute f{j} numeric\n");
            }

            sb.Append("@attribute class {a,b}\n@data\n");
        }
        else
        {
            sb.Append("name,").Append(string.Join(',', Enumerable.Range(0, cols).Select(j => $"f{j}"))).Append(",class\n");
        }

        for (int i = 0; i < rows; i++)
        {
            sb.Append(Inv, $"'u{i}'");
            for (int j = 0; j < cols; j++)
            {
                sb.Append(',').Append(((rng.NextDouble() - 0.5) * Math.Pow(10, rng.Next(-8, 8))).ToString("E6", Inv));
            }

            sb.Append(',').Append(i % 2 == 0 ? "a" : "b").Append('\n');
        }

        string dir = Directory.CreateTempSubdirectory("mapped").FullName;
        try
        {
            string path = Path.Combine(dir, "big" + ext);
            string text = sb.ToString();
            File.WriteAllText(path, text);
            Assert.True(new FileInfo(path).Length > 1 << 20); // the mapped path
            var mapped = FeatureTable.Read(path);
            var plain = ext == ".arff" ? FeatureTable.ReadArff(new StringReader(text), path) : FeatureTable.ReadCsv(new StringReader(text), path);
            Assert.Equal(plain.Features.Data, mapped.Features.Data);
            Assert.Equal(plain.Names, mapped.Names);
            Assert.Equal(plain.Labels, mapped.Labels);

            // A bad cell late in the file: the error names it as the text reader does.
            int at = text.LastIndexOf("'u290'", StringComparison.Ordinal);
            int comma = text.IndexOf(',', at + 10);
            File.WriteAllText(path, text[..(comma + 1)] + "x" + text[(comma + 1)..]);
            var e = Assert.Throws<InvalidDataException>(() => FeatureTable.Read(path));
            Assert.Contains($"{path}: line ", e.Message, StringComparison.Ordinal);
            Assert.Contains("is not a number", e.Message, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void Lines_of_a_table_indexed_in_parallel_pieces_are_numbered_as_by_the_text_reader()
    {
        // About 10 MB (two or more 4 MB pieces) with CRLF endings and blank lines, some of them at piece-sized
        // intervals: every row keeps its line number, and a bad cell late in the file is named by its line.
        var rng = new Random(4);
        int rows = 1400, cols = 500;
        var sb = new StringBuilder("name,").Append(string.Join(',', Enumerable.Range(0, cols).Select(j => $"f{j}"))).Append(",class\r\n");
        for (int i = 0; i < rows; i++)
        {
            if (i % 97 == 5)
            {
                sb.Append("\r\n \n");
            }

            sb.Append(Inv, $"'u{i}'");
            for (int j = 0; j < cols; j++)
            {
                sb.Append(',').Append(((rng.NextDouble() - 0.5) * Math.Pow(10, rng.Next(-8, 8))).ToString("E6", Inv));
            }

            sb.Append(',').Append(i % 2 == 0 ? "a" : "b").Append("\r\n");
        }

        string dir = Directory.CreateTempSubdirectory("pieces").FullName;
        try
        {
            string path = Path.Combine(dir, "big.csv");
            string text = sb.ToString();
            File.WriteAllText(path, text);
            Assert.True(new FileInfo(path).Length > 8 << 20);
            var mapped = FeatureTable.Read(path);
            var plain = FeatureTable.ReadCsv(new StringReader(text), path);
            Assert.Equal(rows, mapped.Names.Count);
            Assert.Equal(plain.Names, mapped.Names);
            Assert.Equal(plain.Features.Data, mapped.Features.Data);
            Assert.All(Enumerable.Range(0, rows), i => Assert.Equal(plain.Where(i), mapped.Where(i)));

            int at = text.LastIndexOf("'u1390'", StringComparison.Ordinal);
            int line = text[..at].Count(c => c == '\n') + 1;
            int comma = text.IndexOf(',', at + 10);
            File.WriteAllText(path, text[..(comma + 1)] + "x" + text[(comma + 1)..]);
            var e = Assert.Throws<InvalidDataException>(() => FeatureTable.Read(path));
            Assert.Contains($"{path}: line {line}: ", e.Message, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
