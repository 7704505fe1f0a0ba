using Affect.Features.Boaw;
using Affect.Features.Functionals;
using Affect.Features.IO;

namespace Affect.Features.Tests.IO;

/// <summary>Names with a newline or ';' would split or shift a semicolon-separated row; the writers refuse them.</summary>
public sealed class CsvCellTests
{
    [Theory]
    [InlineData("u1\n")]
    [InlineData("u1;x")]
    [InlineData("a\rb")]
    public void Writers_refuse_names_that_break_a_row(string name)
    {
        Assert.Throws<ArgumentException>(() => BoawTable.WriteCsv(new StringWriter(), ["w0"], [new BoawRow(name, [1f])], withClass: false));
        Assert.Throws<ArgumentException>(() => BoawTable.WriteCsv(new StringWriter(), ["w0"], [new BoawRow("ok", [1f], name)], withClass: true));
        var values = new float[ComParEFunctionals.Count];
        Assert.Throws<ArgumentException>(() => FunctionalsTable.WriteCsv(new StringWriter(), [new FunctionalsRow(name, values)]));
        var ex = Assert.Throws<ArgumentException>(() => OpenSmileCsv.RequireCell(name, "name"));
        Assert.DoesNotContain('\n', ex.Message);
    }

    [Fact]
    public void Ordinary_names_pass()
    {
        var w = new StringWriter();
        BoawTable.WriteCsv(w, ["w0"], [new BoawRow("s01_r01.x-y", [1f], "H")], withClass: true);
        Assert.Equal(2, w.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
    }
}
