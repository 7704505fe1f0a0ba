namespace Affect.Cli;

/// <summary>
/// One command of <c>affect</c>: its words (<c>"learn"</c>, <c>"features lld"</c>), its one usage text (what
/// <c>--help</c> prints), the options it accepts and what it runs. The parser refuses any option a command does not
/// declare, and answers <c>--help</c>/<c>-h</c> for every command, so neither needs code in the command itself.
/// </summary>
/// <param name="Name">The command's words after <c>affect</c>, space-separated.</param>
/// <param name="Usage">Synopsis line(s) starting with <c>affect NAME</c>, then indented description lines.</param>
/// <param name="Run">Runs the command on its parsed arguments; returns the exit code.</param>
internal sealed record CliCommand(string Name, string Usage, Func<Arguments, CancellationToken, Task<int>> Run)
{
    /// <summary>Options that take a value (<c>--name VALUE</c> or <c>--name=VALUE</c>), without the dashes.</summary>
    public IReadOnlyList<string> Options { get; init; } = [];

    /// <summary>Options that take no value (<c>--name</c>), without the dashes.</summary>
    public IReadOnlyList<string> Flags { get; init; } = [];

    /// <summary>Fewest positional arguments (files, folders) the command needs.</summary>
    public int MinPositional { get; init; }

    /// <summary>Most positional arguments the command takes (0: none; <see cref="int.MaxValue"/>: any number).</summary>
    public int MaxPositional { get; init; }

    /// <summary>The usage text as <c>--help</c> prints it (ending with one newline).</summary>
    public string Help => Usage.TrimEnd() + "\n";

    /// <summary>A synchronous command body as a <see cref="Run"/> delegate.</summary>
    public static Func<Arguments, CancellationToken, Task<int>> Sync(Func<Arguments, int> run) => (a, _) => Task.FromResult(run(a));
}

/// <summary>
/// Every command of <c>affect</c>, in the order <c>affect --help</c> lists them. A new command joins by adding its
/// <see cref="CliCommand"/> here; the dispatcher, the help texts and the tests that check every command answers
/// <c>--help</c> and refuses unknown options all read this list.
/// </summary>
internal static class CommandRegistry
{
    /// <summary>The commands.</summary>
    public static IReadOnlyList<CliCommand> All { get; } =
    [
        DemoCommand.Command,
        RunCommand.Command,
        ServeCommand.Command,
        RunsCommand.List,
        RunsCommand.Show,
        WorkerCommand.Command,
        CorpusCommand.Synth,
        CorpusCommand.Validate,
        CorpusCommand.Import,
        CorpusCommand.Upload,
        ResultsCommand.Download,
        AudioCommand.Info,
        FeaturesCommand.Lld,
        FeaturesCommand.Parity,
        FeaturesUtteranceCommand.Functionals,
        FeaturesUtteranceCommand.ParityFunctionals,
        FeaturesUtteranceCommand.Boaw,
        FeaturesEGeMapsCommand.EGeMaps,
        FeaturesEGeMapsCommand.Parity,
        FeaturesAuDeepCommand.Command,
        LearnCommand.Command,
        DiscretizeCommand.Command,
        FuseCommand.Command,
        LstmCommand.Train,
        LstmCommand.Predict,
        End2YouCommand.Train,
    ];
}
