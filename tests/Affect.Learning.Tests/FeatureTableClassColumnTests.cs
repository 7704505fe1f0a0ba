namespace Affect.Learning.Tests;

/// <summary>The class column of a feature table is found by name, never taken by position.</summary>
public sealed class FeatureTableClassColumnTests
{
    [Fact]
    public void A_csv_without_a_class_column_is_refused_naming_the_file_and_the_column()
    {
        // openSMILE's functionals CSV as it was written without --label: the last column is a feature.
        const string text = "name;frameTime;f1;f2\n'a';0.0;1.5;-2\n'b';0.0;0.3;4\n";
        var e = Assert.Throws<InvalidDataException>(() => FeatureTable.ReadCsv(new StringReader(text), "plain.csv"));
        Assert.StartsWith("plain.csv: class: no column named 'class' (the last of 4 is 'f2')", e.Message, StringComparison.Ordinal);
        Assert.Contains("--class-column", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_arff_without_a_class_attribute_is_refused()
    {
        const string text = "@relation r\n@attribute name {'a','b'}\n@attribute f1 numeric\n@attribute f2 numeric\n@data\n'a',1,2\n'b',3,4\n";
        var e = Assert.Throws<InvalidDataException>(() => FeatureTable.ReadArff(new StringReader(text), "plain.arff"));
        Assert.StartsWith("plain.arff: class: no @attribute named 'class'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_named_class_column_anywhere_is_the_class_and_every_other_column_a_feature()
    {
        const string text = "name,f1,emotion,f2\na,1,joy,2\nb,3,anger,4\n";
        var table = FeatureTable.ReadCsv(new StringReader(text), "t.csv", classColumn: "emotion");
        Assert.Equal(["f1", "f2"], table.FeatureNames);
        Assert.Equal(["joy", "anger"], table.Labels);
        Assert.Equal([1.0, 2, 3, 4], table.Features.Data);

        // The default name does not match, and the error says which name was looked for.
        var e = Assert.Throws<InvalidDataException>(() => FeatureTable.ReadCsv(new StringReader(text), "t.csv"));
        Assert.StartsWith("t.csv: class: no column named 'class'", e.Message, StringComparison.Ordinal);

        var arff = FeatureTable.ReadArff(new StringReader("@relation r\n@attribute name string\n@attribute Emotion {joy,anger}\n@attribute f1 numeric\n@data\n'a',joy,1\n'b',anger,3\n"), "t.arff", "emotion");
        Assert.Equal(["f1"], arff.FeatureNames);
        Assert.Equal(["joy", "anger"], arff.Labels);
    }

    [Fact]
    public void Two_class_columns_or_no_feature_column_are_refused()
    {
        var twice = Assert.Throws<InvalidDataException>(() => FeatureTable.ReadCsv(new StringReader("name,class,f1,class\na,x,1,y\n"), "t.csv"));
        Assert.Equal("t.csv: class: 2 columns are named 'class'", twice.Message);
        var none = Assert.Throws<InvalidDataException>(() => FeatureTable.ReadCsv(new StringReader("name,frameTime,class\na,0,x\n"), "t.csv"));
        Assert.Equal("t.csv: line 1: no feature columns besides the name and the class", none.Message);
    }

    [Fact]
    public void WriteCsv_output_reads_back_with_its_class_column()
    {
        var table = FeatureTable.ReadCsv(new StringReader("name,f1,f2,class\na,1,2,x\nb,3,4,?\n"), "t.csv");
        var sw = new StringWriter();
        table.WriteCsv(sw);
        var again = FeatureTable.ReadCsv(new StringReader(sw.ToString()), "again.csv");
        Assert.Equal(table.FeatureNames, again.FeatureNames);
        Assert.Equal(table.Labels, again.Labels);
        Assert.Equal(table.Features.Data, again.Features.Data);
    }
}
