using System.Globalization;
using System.Text;
using Affect.Learning;

namespace Affect.Learning.Tests;

/// <summary>
/// Huge but finite cells and empty tables are refused before any learner runs, naming file, line and column, and no
/// learner ever returns a score that is not a finite number (issue 19.3).
/// </summary>
public sealed class NumericInputTests
{
    [Theory]
    [InlineData(LearnerKind.Kpls, FeatureScaling.ZScore, "train.csv", 1.7e308, "train.csv: line 6: column 'f2': 1.7E+308: the z-score scaling statistics of the training partition overflow")]
    [InlineData(LearnerKind.Kpls, FeatureScaling.None, "train.csv", 1.7e308, "train.csv: line 6: column 'f2': 1.7E+308 is 1.7E+308 after no scaling")]
    [InlineData(LearnerKind.Kelm, FeatureScaling.ZScore, "train.csv", -1e300, "train.csv: line 6: column 'f2': -1E+300: the z-score scaling statistics")]
    [InlineData(LearnerKind.Kelm, FeatureScaling.ZScore, "test.csv", 1e308, "test.csv: line 6: column 'f2': 1E+308 is ")]
    [InlineData(LearnerKind.Kpls, FeatureScaling.ZScore, "test.csv", 1e308, "test.csv: line 6: column 'f2': 1E+308 is ")]
    [InlineData(LearnerKind.Svm, FeatureScaling.ZScore, "test.csv", 1e308, "test.csv: line 6: column 'f2': 1E+308 is ")]
    [InlineData(LearnerKind.Wkelm, FeatureScaling.ZScore, "devel.csv", -1e200, "devel.csv: line 6: column 'f2': -1E+200 is ")]
    public void Huge_cells_are_refused_by_file_line_and_column(LearnerKind learner, FeatureScaling scaling, string where, double value, string expected)
    {
        var train = Table("train.csv", 1, 30, where == "train.csv" ? value : null);
        var devel = Table("devel.csv", 2, 12, where == "devel.csv" ? value : null);
        var test = Table("test.csv", 3, 12, where == "test.csv" ? value : null);
        var options = new LearnerOptions(learner, scaling, SearchGrid: where == "devel.csv", MaxFactors: 5);
        var e = Assert.Throws<InvalidDataException>(() => UtteranceClassifier.Run(train, devel, test, options, ManagedKernelAlgebra.Instance));
        Assert.StartsWith(expected, e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("train.csv", false)]
    [InlineData("test.csv", false)]
    [InlineData("devel.csv", true)]
    [InlineData("devel.csv", false)]
    public void Header_only_tables_are_refused_by_file(string empty, bool grid)
    {
        var train = empty == "train.csv" ? Empty("train.csv") : Table("train.csv", 1, 30, null);
        var devel = empty == "devel.csv" ? Empty("devel.csv") : Table("devel.csv", 2, 12, null);
        var test = empty == "test.csv" ? Empty("test.csv") : Table("test.csv", 3, 12, null);
        foreach (var learner in new[] { LearnerKind.Kelm, LearnerKind.Kpls, LearnerKind.Svm })
        {
            var options = new LearnerOptions(learner, SearchGrid: grid, MaxFactors: 5);
            var e = Assert.Throws<InvalidDataException>(() => UtteranceClassifier.Run(train, devel, test, options));
            Assert.Equal($"{empty}: rows: the table has no data rows", e.Message);
        }
    }

    [Fact]
    public void Large_but_representable_cells_give_finite_scores_for_every_learner()
    {
        // 1e40 in test is 1e40/σ after z-score: within the bound, so the learners run and every score is finite.
        var train = Table("train.csv", 1, 30, null);
        var devel = Table("devel.csv", 2, 12, null);
        var test = Table("test.csv", 3, 12, 1e40);
        foreach (var learner in Enum.GetValues<LearnerKind>())
        {
            var outcome = UtteranceClassifier.Run(train, devel, test, new LearnerOptions(learner, SearchGrid: true, MaxFactors: 5), ManagedKernelAlgebra.Instance);
            Assert.All(outcome.Test.Scores.Data, v => Assert.True(double.IsFinite(v), $"{learner}: {v}"));
            Assert.DoesNotContain("NaN", outcome.ToScoreCsv(outcome.Test), StringComparison.Ordinal);
        }
    }

    [Fact]
    public void A_kernel_that_cannot_be_factored_names_the_training_file()
    {
        // Two identical rows of huge (but bounded) unscaled values: K + I/C is singular to rounding for C = 1000.
        var sb = new StringBuilder("name,f1,f2,class\n");
        for (int i = 0; i < 6; i++)
        {
            sb.Append(CultureInfo.InvariantCulture, $"u{i},1e40,1e40,c{i % 3}\n");
        }

        var train = FeatureTable.ReadCsv(new StringReader(sb.ToString()), "train.csv");
        var test = Table("test.csv", 3, 4, null, features: 2);
        var options = new LearnerOptions(LearnerKind.Kelm, FeatureScaling.None, C: 1000);
        var e = Assert.Throws<InvalidDataException>(() => UtteranceClassifier.Run(train, null, test, options, ManagedKernelAlgebra.Instance));
        Assert.StartsWith("train.csv: features: kelm cannot be fitted to this table: ", e.Message, StringComparison.Ordinal);
    }

    private static FeatureTable Empty(string source) => FeatureTable.ReadCsv(new StringReader("name,f1,f2,f3,class\n"), source);

    // Rows of seeded values in three classes; row 4 (file line 6), column f2 gets `huge` when given.
    private static FeatureTable Table(string source, ulong seed, int rows, double? huge, int features = 3)
    {
        var rng = new SplitMix64(seed);
        var sb = new StringBuilder("name");
        for (int j = 1; j <= features; j++)
        {
            sb.Append(CultureInfo.InvariantCulture, $",f{j}");
        }

        sb.Append(",class\n");
        for (int i = 0; i < rows; i++)
        {
            int c = i % 3;
            sb.Append(CultureInfo.InvariantCulture, $"u{i}");
            for (int j = 1; j <= features; j++)
            {
                double v = i == 4 && j == 2 && huge is { } h ? h : c + SyntheticData.Gaussian(ref rng);
                sb.Append(',').Append(v.ToString("R", CultureInfo.InvariantCulture));
            }

            sb.Append(CultureInfo.InvariantCulture, $",c{c}\n");
        }

        return FeatureTable.ReadCsv(new StringReader(sb.ToString()), source);
    }
}
