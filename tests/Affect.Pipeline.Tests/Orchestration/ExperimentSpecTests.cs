using Affect.Pipeline.Orchestration;

namespace Affect.Pipeline.Tests.Orchestration;

public sealed class ExperimentSpecTests
{
    [Fact]
    public void Absent_fields_take_the_one_default_and_nested_fields_override_only_themselves()
    {
        var spec = ExperimentSpec.Parse("""{"boaw":{"size":16},"lstm":{"deadlineSeconds":60}}""", ["a"]);
        var defaults = new ExperimentSpec(["a"]);
        Assert.Equal(new BoawSpec(Size: 16), spec.Boaw);
        Assert.Equal(defaults.Boaw.Iterations, spec.Boaw.Iterations);
        Assert.Equal(new LstmSpec(DeadlineSeconds: 60), spec.Lstm);
        Assert.Equal((defaults.Features, defaults.Fusion, defaults.Seed), (spec.Features, spec.Fusion, spec.Seed));
        Assert.Equal(defaults.ToCanonicalJson(), ExperimentSpec.Parse(string.Empty, ["a"]).ToCanonicalJson());
    }

    [Fact]
    public void The_canonical_form_reads_back_to_the_same_run_id()
    {
        var spec = new ExperimentSpec(["a", "b"], 7)
        {
            Features = new(BatchSize: 2, EGeMaps: true),
            Boaw = new(Size: 50, Assignments: 5, Iterations: 9),
            Learners = new(Names: ["kelm"], RetrainOnTrainDevel: true),
            Lstm = new(Enabled: false, Epochs: 2, DeadlineSeconds: 99),
            Fusion = new(Pool: 10, Chunks: 2),
        };
        string json = spec.ToCanonicalJson();
        Assert.Equal(json, ExperimentSpec.Parse(json, ["x"]).ToCanonicalJson());
        Assert.Equal(RunRequests.RunIdFor(spec), RunRequests.RunIdFor(ExperimentSpec.Parse(json, ["x"])));
        Assert.NotEqual(RunRequests.RunIdFor(spec), RunRequests.RunIdFor(spec with { Boaw = spec.Boaw with { Iterations = 10 } }));
    }

    [Theory]
    [InlineData("""{"boaw":{"size":1}}""", "spec.boaw.size: 1 is outside 2..100000")]
    [InlineData("""{"boaw":{"size":10,"assignments":11}}""", "spec.boaw.assignments:")]
    [InlineData("""{"boaw":{"iterations":-1}}""", "spec.boaw.iterations:")]
    [InlineData("""{"features":{"batchSize":0}}""", "spec.features.batchSize:")]
    [InlineData("""{"learners":{"names":["kelm","nope"]}}""", "spec.learners.names[1]: 'nope'")]
    [InlineData("""{"lstm":{"deadlineSeconds":0}}""", "spec.lstm.deadlineSeconds:")]
    [InlineData("""{"lstm":{"epochs":0}}""", "spec.lstm.epochs:")]
    [InlineData("""{"fusion":{"pool":2,"chunks":3}}""", "spec.fusion.chunks:")]
    [InlineData("""{"boaw":{"size":"big"}}""", "spec.boaw.size:")]
    [InlineData("""{"seed":"abc"}""", "spec.seed:")]
    [InlineData("""{"boaw":null}""", "spec.boaw:")]
    [InlineData("""{"corpora":["../etc"]}""", "spec.corpora[0]:")]
    public void Errors_name_the_field_path(string json, string expected)
    {
        var error = Assert.Throws<FormatException>(() => ExperimentSpec.Parse(json, ["a"]));
        Assert.StartsWith(expected, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"boawSize":16}""", "boawSize")]
    [InlineData("""{"boaw":{"sise":16}}""", "sise")]
    [InlineData("""{"lstm":{"enabled":true,"deadline":5}}""", "deadline")]
    public void Unknown_fields_are_refused(string json, string field)
    {
        var error = Assert.Throws<FormatException>(() => ExperimentSpec.Parse(json, ["a"]));
        Assert.StartsWith("spec", error.Message, StringComparison.Ordinal);
        Assert.Contains(field, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void No_corpus_named_and_none_uploaded_is_an_error_naming_corpora() =>
        Assert.StartsWith("spec.corpora:", Assert.Throws<FormatException>(() => ExperimentSpec.Parse("{}", [])).Message, StringComparison.Ordinal);
}
