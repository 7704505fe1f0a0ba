using System.Text;

namespace Affect.Corpora.Tests;

public sealed class LabelTableTests
{
    private static Stream Utf8(string s) => new MemoryStream(Encoding.UTF8.GetBytes(s));

    [Fact]
    public void Csv_round_trips()
    {
        string csv = LabelTable.ToCsv(["time", "a"], [[0, 0.04, 0.08], [0.5, -0.25, -0.000001]]);
        Assert.Equal("time,a\n0,0.5\n0.04,-0.25\n0.08,0\n", csv);
        var t = LabelTable.Parse(Utf8(csv), "x.csv");
        Assert.Equal(3, t.RowCount);
        Assert.Equal([0.5, -0.25, 0], t.Column("a").ToArray());
    }

    [Fact]
    public void Accepts_bom_crlf_and_spaces()
    {
        var t = LabelTable.Parse(new MemoryStream([0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes("time, a\r\n0, 1e-1\r\n0.04,2\r\n\r\n")]), "x.csv");
        Assert.Equal([0.1, 2], t.Column("a").ToArray());
    }

    [Fact]
    public void Lists_every_bad_cell_up_to_the_cap()
    {
        var sb = new StringBuilder("time,a\n");
        for (int i = 0; i < 30; i++)
        {
            sb.Append(i).Append(",x\n");
        }

        var ex = Assert.Throws<CorpusFormatException>(() => LabelTable.Parse(Utf8(sb.ToString()), "x.csv"));
        Assert.Equal(LabelTable.MaxProblemsPerFile + 1, ex.Problems.Count);
        Assert.Equal("line 2, column a", ex.Problems[0].Field);
        Assert.Contains("10 more", ex.Problems[^1].Message);
    }

    [Fact]
    public void Empty_file_and_duplicate_header_are_rejected()
    {
        Assert.Throws<CorpusFormatException>(() => LabelTable.Parse(Utf8(""), "x.csv"));
        var ex = Assert.Throws<CorpusFormatException>(() => LabelTable.Parse(Utf8("time,a,a\n0,1,2\n"), "x.csv"));
        Assert.Equal("line 1, column a", ex.Problems.Single().Field);
    }
}
