using System.Runtime.InteropServices;
using Affect.Audio;
using Affect.Corpora;
using Affect.Hosting;

namespace Affect.Cli;

/// <summary>The <c>affect</c> command: dispatches verbs and turns errors into one clear line and an exit code.</summary>
internal static class AffectCommand
{
    private const string Header = """
        affect — acoustic emotion recognition pipeline (Kaya, Fedotov et al., Interspeech 2018)

        usage:
        """;

    private const string Footer = """
          affect COMMAND --help
              the usage of one command (also -h, or affect help COMMAND)
          affect "[suggest:POSITION]" "COMMAND LINE"
              completion candidates for a shell (dotnet-suggest; see README)

        long commands show progress per stage with ETA on stderr (live on a terminal, plain lines when redirected) and end
        with a summary on stdout: --quiet prints only the result path, --json one JSON object

        exit codes: 0 success, 1 failure (bad input, failed run), 2 usage error, 130/143 a run stopped by SIGINT/SIGTERM
          (affect serve and affect worker stop gracefully on either and exit 0)
        """;

    /// <summary>The whole usage: every command's usage text, in registry order.</summary>
    public static string Usage => Header + "\n" + string.Concat(CommandRegistry.All.Select(c => Indent(c.Help))) + Footer + "\n";

    /// <summary>Runs <c>affect</c>: SIGINT and SIGTERM cancel the command gracefully (a second one ends the process at once).</summary>
    public static async Task<int> RunAsync(string[] args)
    {
        using var cts = new CancellationTokenSource();
        PosixSignal? stoppedBy = null;
        void Stop(PosixSignalContext context)
        {
            if (stoppedBy is not null)
            {
                return; // second signal: the default action ends the process
            }

            stoppedBy = context.Signal;
            context.Cancel = true;
            Console.Error.WriteLine($"affect: {(context.Signal == PosixSignal.SIGTERM ? "SIGTERM" : "SIGINT")} received, stopping (send it again to end at once)");
            cts.Cancel();
        }

        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
        try
        {
            return await DispatchAsync(args, cts.Token);
        }
        catch (UsageException e)
        {
            Console.Error.WriteLine($"affect: usage: {DisplayText.Escape(e.Message)}");
            return 2;
        }
        catch (WavFormatException e)
        {
            Console.Error.WriteLine($"affect: error: {DisplayText.Escape(e.Message)}");
            return 1;
        }
        catch (CorpusFormatException e)
        {
            Console.Error.WriteLine($"affect: error: {DisplayText.Escape(e.Message)}");
            return 1;
        }
        catch (PipelineFailedException e)
        {
            Console.Error.WriteLine($"affect: error: {DisplayText.Escape(e.Message)}");
            return 1;
        }
        catch (OperationCanceledException) when (cts.IsCancellationRequested)
        {
            Console.Error.WriteLine("affect: cancelled");
            return stoppedBy == PosixSignal.SIGTERM ? 143 : 130;
        }
        catch (OperationCanceledException e)
        {
            Console.Error.WriteLine($"affect: error: {DisplayText.Escape(e.Message)}");
            return 1;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or InvalidDataException or FormatException)
        {
            Console.Error.WriteLine($"affect: error: {DisplayText.Escape(e.Message)}");
            return 1;
        }
    }

    /// <summary>Parses <paramref name="args"/> with System.CommandLine and runs the command, its help or a directive.</summary>
    internal static async Task<int> DispatchAsync(string[] args, CancellationToken cancellationToken)
    {
        if (args.Length == 0)
        {
            Console.Error.Write(Usage);
            return 2;
        }

        return await new CommandTree(CommandRegistry.All, args).InvokeAsync(args, cancellationToken);
    }

    private static string Indent(string help) => string.Concat(help.TrimEnd('\n').Split('\n').Select(l => "  " + l + "\n"));
}
