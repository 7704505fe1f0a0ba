using System.Text.RegularExpressions;

namespace Affect.Cli.Tests;

/// <summary>
/// Every command in <see cref="CommandRegistry"/> answers <c>--help</c> and <c>-h</c> with its usage and refuses
/// options and arguments it does not take; a command added to the registry is covered here without further code.
/// </summary>
public sealed partial class CommandRegistryTests
{
    public static TheoryData<string> Commands => [.. CommandRegistry.All.Select(c => c.Name)];

    [Fact]
    public void Names_are_unique_and_every_usage_starts_with_its_command_and_shows_every_declared_option()
    {
        Assert.Equal(CommandRegistry.All.Count, CommandRegistry.All.Select(c => c.Name).Distinct(StringComparer.Ordinal).Count());
        foreach (var c in CommandRegistry.All)
        {
            Assert.StartsWith($"affect {c.Name} ", c.Help.Replace("\n", " ", StringComparison.Ordinal), StringComparison.Ordinal);
            var shown = OptionInUsage().Matches(c.Usage).Select(m => m.Groups[1].Value).ToHashSet(StringComparer.Ordinal);
            foreach (string option in c.Options.Concat(c.Flags))
            {
                Assert.True(shown.Contains(option), $"affect {c.Name}: --{option} is accepted but not in its usage text");
            }

            // And nothing in the usage text is an option the parser would refuse.
            Assert.All(shown, o => Assert.True(c.Options.Contains(o) || c.Flags.Contains(o), $"affect {c.Name}: usage shows --{o}, which the command does not accept"));
            Assert.Empty(c.Options.Intersect(c.Flags));
            Assert.True(c.MinPositional <= c.MaxPositional, c.Name);
        }
    }

    [Theory]
    [MemberData(nameof(Commands))]
    public async Task Help_and_h_print_the_usage_on_stdout_and_exit_0(string name)
    {
        var command = CommandRegistry.All.Single(c => c.Name == name);
        string[] words = name.Split(' ');
        foreach (string[] args in new string[][] { [.. words, "--help"], [.. words, "-h"], [.. words, "--bogus", "1", "--help"], ["help", .. words] })
        {
            var r = await CliProcess.RunAsync(args);
            Assert.True(r.ExitCode == 0, $"affect {string.Join(' ', args)}: exit {r.ExitCode}\n{CliProcess.Describe(r.Stdout, r.Stderr)}");
            Assert.Equal(command.Help, r.Stdout);
            Assert.Equal(string.Empty, r.Stderr);
        }
    }

    [Theory]
    [MemberData(nameof(Commands))]
    public async Task Unknown_options_and_stray_arguments_are_usage_errors_naming_them(string name)
    {
        var command = CommandRegistry.All.Single(c => c.Name == name);
        string[] words = name.Split(' ');
        var r = await CliProcess.RunAsync([.. words, "--no-such-option", "x", "-q"]);
        Assert.True(r.ExitCode == 2, CliProcess.Describe(r.Stdout, r.Stderr));
        Assert.Contains("--no-such-option", r.Stderr, StringComparison.Ordinal);
        Assert.Contains("-q", r.Stderr, StringComparison.Ordinal);
        Assert.StartsWith("affect: usage: ", r.Stderr, StringComparison.Ordinal);

        if (command.MaxPositional == 0)
        {
            var stray = await CliProcess.RunAsync([.. words, "stray-word"]);
            Assert.True(stray.ExitCode == 2, CliProcess.Describe(stray.Stdout, stray.Stderr));
            Assert.Contains("'stray-word'", stray.Stderr, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Top_level_and_group_help_list_every_command()
    {
        var top = await CliProcess.RunAsync("--help");
        Assert.Equal(0, top.ExitCode);
        foreach (var c in CommandRegistry.All)
        {
            Assert.Contains(c.Help.Split('\n')[0], top.Stdout, StringComparison.Ordinal);
        }

        foreach (var group in CommandRegistry.All.Where(c => c.Name.Contains(' ', StringComparison.Ordinal)).GroupBy(c => c.Name.Split(' ')[0]))
        {
            var help = await CliProcess.RunAsync(group.Key, "--help");
            Assert.True(help.ExitCode == 0, CliProcess.Describe(help.Stdout, help.Stderr));
            Assert.Equal(string.Concat(group.Select(c => c.Help)), help.Stdout);

            // Without a subcommand: a usage error that lists the subcommands.
            var bare = await CliProcess.RunAsync(group.Key);
            Assert.Equal(2, bare.ExitCode);
            Assert.All(group, c => Assert.Contains(c.Name.Split(' ')[1], bare.Stderr, StringComparison.Ordinal));
        }

        var features = await CliProcess.RunAsync("features", "-h");
        Assert.Contains("affect features functionals ", features.Stdout, StringComparison.Ordinal);
        Assert.Contains("affect features boaw ", features.Stdout, StringComparison.Ordinal);
        Assert.Contains("affect features audeep ", features.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_flag_given_a_value_an_option_without_one_or_given_twice_are_usage_errors()
    {
        var flag = await CliProcess.RunAsync("learn", "--grid=yes");
        Assert.Equal(2, flag.ExitCode);
        Assert.Contains("--grid takes no value", flag.Stderr, StringComparison.Ordinal);
        var option = await CliProcess.RunAsync("learn", "--model");
        Assert.Equal(2, option.ExitCode);
        Assert.Contains("--model needs a value", option.Stderr, StringComparison.Ordinal);
        var twice = await CliProcess.RunAsync("learn", "--model", "kelm", "--model", "svm", "--train", "t.csv", "--test", "t.csv", "--scores", "s.csv");
        Assert.Equal(2, twice.ExitCode);
        Assert.Contains("--model is given 2 times ('kelm', 'svm')", twice.Stderr, StringComparison.Ordinal);
    }

    [GeneratedRegex(@"--([A-Za-z][A-Za-z0-9-]*)")]
    private static partial Regex OptionInUsage();
}
