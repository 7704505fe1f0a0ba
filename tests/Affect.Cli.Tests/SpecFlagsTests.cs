using Affect.Pipeline.Orchestration;

namespace Affect.Cli.Tests;

public sealed class SpecFlagsTests
{
    private static ExperimentSpec Flags(CliCommand command, IReadOnlyList<string> corpora, params string[] args) =>
        SpecFlags.Parse(Arguments.Parse(args, command), corpora);

    [Fact]
    public void Run_flags_make_the_spec_and_run_id_of_the_same_http_body()
    {
        var cli = Flags(RunCommand.Command, ["usoms", "recola"], "--seed", "21", "--batch-size", "2", "--boaw-size", "16", "--boaw-assignments", "4", "--learner", "kelm",
            "--learner", "wkpls", "--retrain-train-devel", "--fusion-pool", "64", "--fusion-chunks", "2", "--egemaps", "--lstm-deadline", "120");
        var http = RunRequests.ParseStartBody(
            """{"corpora":["usoms","recola"],"seed":21,"features":{"batchSize":2,"eGeMaps":true},"boaw":{"size":16,"assignments":4},"learners":{"names":["kelm","wkpls"],"retrainOnTrainDevel":true},"fusion":{"pool":64,"chunks":2},"lstm":{"deadlineSeconds":120}}""",
            []);
        Assert.Equal(http.ToCanonicalJson(), cli.ToCanonicalJson());
        Assert.Equal(RunRequests.RunIdFor(http), RunRequests.RunIdFor(cli));
        Assert.Equal(120, cli.Lstm.DeadlineSeconds);
    }

    [Fact]
    public void End2you_flag_is_the_specs_empty_end2You_record()
    {
        var cli = Flags(RunCommand.Command, ["usoms"], "--end2you");
        var http = RunRequests.ParseStartBody("""{"corpora":["usoms"],"end2You":{}}""", []);
        Assert.Equal(new End2YouSpec(), cli.End2You);
        Assert.Equal(RunRequests.RunIdFor(http), RunRequests.RunIdFor(cli));
        Assert.Null(Flags(RunCommand.Command, ["usoms"]).End2You);
    }

    [Fact]
    public void Absent_flags_take_the_spec_defaults_of_an_empty_body()
    {
        var cli = Flags(RunCommand.Command, ["usoms"]);
        Assert.Equal(RunRequests.RunIdFor(RunRequests.ParseStartBody(string.Empty, ["usoms"])), RunRequests.RunIdFor(cli));
    }

    [Fact]
    public void Demo_flags_keep_the_small_codebooks_and_accept_a_deadline()
    {
        var demo = SpecFlags.Parse(Arguments.Parse(["--lstm-deadline", "90", "--batch-size", "3"], DemoCommand.Command), ["a"], new BoawSpec(Size: 100, Iterations: 30));
        Assert.Equal((100, 30, 90, 3), (demo.Boaw.Size, demo.Boaw.Iterations, demo.Lstm.DeadlineSeconds, demo.Features.BatchSize));
    }

    [Theory]
    [InlineData("--boaw-size", "200000", "--boaw-size: spec.boaw.size: 200000 is outside")]
    [InlineData("--lstm-deadline", "0", "--lstm-deadline: spec.lstm.deadlineSeconds:")]
    [InlineData("--learner", "nope", "spec.learners.names[0]: 'nope'")]
    [InlineData("--batch-size", "x", "option --batch-size:")]
    public void Bad_values_are_usage_errors_naming_flag_and_field(string flag, string value, string expected)
    {
        var error = Assert.Throws<UsageException>(() => Flags(RunCommand.Command, ["usoms"], flag, value));
        Assert.StartsWith(expected, error.Message, StringComparison.Ordinal);
    }
}
