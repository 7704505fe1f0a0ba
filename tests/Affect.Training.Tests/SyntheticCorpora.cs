using System.Text;
using Affect.Corpora;
using Affect.Corpora.Synthetic;
using Affect.Sequence;
using Affect.Sequence.Features;

namespace Affect.Training.Tests;

/// <summary>The built-in synthetic RECOLA/SEMAINE/CreativeIT stand-ins, generated once per test run and loaded per target.</summary>
internal static class SyntheticCorpora
{
    private static readonly Lazy<IReadOnlyDictionary<string, (CorpusManifest Manifest, InMemoryCorpusSource Source)>> Generated = new(() =>
        new[] { SyntheticCorpusKind.Recola, SyntheticCorpusKind.Semaine, SyntheticCorpusKind.CreativeIt }.ToDictionary(
            k => SyntheticCorpusSpec.Default(k, 2018).CorpusName,
            k =>
            {
                var files = SyntheticCorpusGenerator.Generate(SyntheticCorpusSpec.Default(k, 2018));
                var manifest = CorpusManifest.Parse(Encoding.UTF8.GetString(files.Single(f => f.RelativePath == CorpusManifest.FileName).Content), "manifest.json");
                return (manifest, new InMemoryCorpusSource(files));
            }));

    private static readonly Dictionary<(string, string), SequenceCorpus> Loaded = [];
    private static readonly Dictionary<string, CorpusFeatures> Extracted = [];

    public static readonly string[] Names = ["recola-synth", "semaine-synth", "creativeit-synth"];

    public static (CorpusManifest Manifest, InMemoryCorpusSource Source) Source(string name) => Generated.Value[name];

    public static CorpusFeatures Features(string name)
    {
        Load(name, "arousal");
        lock (Loaded)
        {
            return Extracted[name];
        }
    }

    public static SequenceCorpus Load(string name, string target)
    {
        lock (Loaded)
        {
            if (!Loaded.TryGetValue((name, target), out var corpus))
            {
                var (manifest, source) = Generated.Value[name];
                if (!Extracted.TryGetValue(name, out var features))
                {
                    features = CorpusFeatures.Extract(source, manifest, new BasicFrameFeatures());
                    Extracted[name] = features;
                }

                corpus = SequenceCorpus.Load(source, manifest, target, features);
                Loaded[(name, target)] = corpus;
            }

            return corpus;
        }
    }
}
