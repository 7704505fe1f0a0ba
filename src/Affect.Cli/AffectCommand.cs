using Affect.Audio;
using Affect.Corpora;
using Affect.Pipeline.Hosting;

namespace Affect.Cli;

/// <summary>The <c>affect</c> command: dispatches verbs and turns errors into one clear line and an exit code.</summary>
internal static class AffectCommand
{
    public const string Usage = """
        affect — acoustic emotion recognition pipeline (Kaya, Fedotov et al., Interspeech 2018)

        usage:
          affect demo [--out DIR] [--seed N] [--batch-size N]
              generate the built-in synthetic corpora, run every stage on a folder store, write DIR/results.json and DIR/report.html
          affect run --store CONN --corpus NAME [--corpus NAME ...] [--seed N] [--batch-size N] [--engine memory|azure-storage] [--boaw-size N] [--learner kelm ...] [--no-worker] [--out DIR]
              run the experiment orchestration over corpora already uploaded to a store (folder path or Azure connection string)
          affect serve --store CONN [--port N] [--task-hub NAME]
              local service: Durable Task sidecar over Azure Storage (Azurite), HTTP API on 127.0.0.1 (POST /api/runs, GET /api/runs/{id})
          affect corpus synth --kind recola|semaine|creativeit|usoms --seed N --out DIR [--speakers K] [--minutes M] [--utterances U]
          affect corpus validate DIR
              check a corpus folder and report every problem with its file and field
          affect audio info FILE.wav [...]
              read WAV files (any PCM/float format) and print their header and summary
          affect features lld IN.wav [IN2.wav ...] --csv OUT.csv [--no-deltas]
              ComParE 2016 LLDs (+ deltas) per 10 ms frame in openSMILE's CSV layout (any WAV, resampled to 16 kHz)
          affect features parity --reference DIR [--markdown docs/parity.md]
          affect features functionals IN.wav [...] [--csv OUT.csv] [--arff OUT.arff] [--label CLASS]
          affect features parity-functionals --reference DIR [--markdown docs/parity.md]
              per-LLD agreement (Pearson r, NRMSE) with the openSMILE reference outputs in DIR
          affect features boaw --corpus DIR --out DIR2 [--size 1000] [--assignments 10] [--seed 1] [--iterations 500] [--train-frames N] [--method kmeans++|kmeans|random|random++] [--no-log]
              bag-of-audio-words (openXBOW semantics): LLD and delta codebooks from the train partition; DIR2/boaw.npy, boaw.csv, codebook/
          affect learn --model kelm|wkelm|kpls|wkpls|svm --train TRAIN --test TEST [--C x | --factors k | --grid --devel DEVEL [--retrain]] --scores OUT.csv [--scaling zscore|minmax|none] [--power p] [--seed N] [--algebra torch|managed]
              utterance-level classifier on CSV/ARFF feature tables (name, features, class); writes class scores, prints UAR/WAR
          affect discretize (--scores S.csv | --arousal A.csv --valence V.csv) --labels L.csv --fit-on train|devel|train+devel (--classes L,M,H | --manifest CORPUS) [--direction increasing|decreasing|auto] --out C.csv
              thresholds maximising UAR turn utterance scores (name,score) into ordered classes (name,class); prints thresholds, UAR/WAR per partition
          affect fuse --systems A.csv B.csv [...] --labels L.csv --method sf|wf [--pool 100000] [--seed 1] [--chunks 1] [--classes L,M,H | --manifest CORPUS] --out F.csv
              score-level fusion of score CSVs (affect learn) and class CSVs (affect discretize, Eq. 1), weights fitted on devel; prints weights, UAR/WAR
          affect lstm train --train DIR --val DIR [--test DIR] --target arousal|valence --out OUT [--epochs 5] [--seed 1] [--hidden 32] [--layers 2]
                [--batch 32] [--lr 0.001] [--loss mse|ccc] [--lag SECONDS|auto] [--hop 0.2] [--step-frames 1] [--features compare2016-lld|basic] [--threads 1]
              train the cross-corpus LSTM (paper §3, Table 1): epoch chosen on --val, tested on --test; writes OUT/model.onnx and OUT/metrics.json
          affect lstm predict --model OUT/model.onnx --corpus DIR --out preds.csv [--threads 1]
              frame-level predictions (name,time,value) at 25 Hz with ONNX Runtime, and per-file means in preds.means.csv
          affect worker --store CONN [--drain] [--poll-seconds 5] [--threads 1] [--device cpu|cuda|auto] [--max-attempts 3] [--visibility-seconds 300]
              LSTM training worker: takes jobs from the lstm-training queue, writes models/{key}/model.onnx + metrics.json

        exit codes: 0 success, 1 failure (bad input, failed run), 2 usage error
        """;

    public static async Task<int> RunAsync(string[] args)
    {
        using var cts = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            cts.Cancel();
        };

        try
        {
            if (args.Length == 0 || args[0] is "-h" or "--help" or "help")
            {
                Console.WriteLine(Usage);
                return args.Length == 0 ? 2 : 0;
            }

            string verb = args[0];
            string[] rest = args[1..];
            return verb switch
            {
                "demo" => await DemoCommand.RunAsync(Arguments.Parse(rest), cts.Token),
                "run" => await RunCommand.RunAsync(Arguments.Parse(rest), cts.Token),
                "serve" => await ServeCommand.RunAsync(Arguments.Parse(rest), cts.Token),
                "corpus" => CorpusCommand.Run(rest),
                "audio" => AudioCommand.Run(rest),
                "lstm" => LstmCommand.Run(rest),
                "worker" => await WorkerCommand.RunAsync(Arguments.Parse(rest, "drain"), cts.Token),
                "learn" => LearnCommand.Run(Arguments.Parse(rest, "grid", "retrain")),
                "discretize" => DiscretizeCommand.Run(Arguments.Parse(rest)),
                "fuse" => FuseCommand.Run(Arguments.Parse(rest)),
                "features" => FeaturesCommand.Run(rest),
                _ => throw new UsageException($"unknown command '{verb}' (try: affect --help)"),
            };
        }
        catch (UsageException e)
        {
            Console.Error.WriteLine($"affect: usage: {e.Message}");
            return 2;
        }
        catch (WavFormatException e)
        {
            Console.Error.WriteLine($"affect: error: {e.Message}");
            return 1;
        }
        catch (CorpusFormatException e)
        {
            Console.Error.WriteLine($"affect: error: {e.Message}");
            return 1;
        }
        catch (PipelineFailedException e)
        {
            Console.Error.WriteLine($"affect: error: {e.Message}");
            return 1;
        }
        catch (OperationCanceledException)
        {
            Console.Error.WriteLine("affect: cancelled");
            return 130;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or InvalidDataException or FormatException)
        {
            Console.Error.WriteLine($"affect: error: {e.Message}");
            return 1;
        }
    }
}
