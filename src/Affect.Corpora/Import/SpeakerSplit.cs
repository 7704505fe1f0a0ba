using System.Globalization;

namespace Affect.Corpora.Import;

/// <summary>
/// A seeded speaker-independent train/devel/test split: the speakers (in ordinal order) are shuffled with a seeded
/// generator and cut by the given proportions, so every speaker lands in one partition and the same speakers and seed
/// always give the same split.
/// </summary>
/// <param name="Train">Share of speakers in train (percent or any positive weight).</param>
/// <param name="Devel">Share in devel (0 for none).</param>
/// <param name="Test">Share in test (0 for none).</param>
public sealed record SpeakerSplit(int Train, int Devel, int Test)
{
    /// <summary>60/20/20, the default.</summary>
    public static SpeakerSplit Default { get; } = new(60, 20, 20);

    /// <summary>Parses <c>TRAIN/DEVEL/TEST</c>, e.g. <c>60/20/20</c>.</summary>
    /// <exception cref="FormatException">Not three non-negative integers with a positive train share.</exception>
    public static SpeakerSplit Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        string[] parts = text.Split('/');
        if (parts.Length != 3 || !parts.All(p => int.TryParse(p, NumberStyles.None, CultureInfo.InvariantCulture, out int v) && v <= 1000))
        {
            throw new FormatException($"'{text}' is not TRAIN/DEVEL/TEST shares such as 60/20/20");
        }

        var s = new SpeakerSplit(int.Parse(parts[0], CultureInfo.InvariantCulture), int.Parse(parts[1], CultureInfo.InvariantCulture), int.Parse(parts[2], CultureInfo.InvariantCulture));
        return s.Train > 0 ? s : throw new FormatException($"'{text}': the train share must be positive");
    }

    /// <summary>Assigns each speaker a partition.</summary>
    /// <param name="speakers">The distinct speakers (any order; sorted first).</param>
    /// <param name="seed">Seed of the shuffle.</param>
    public IReadOnlyDictionary<string, CorpusPartition> Assign(IEnumerable<string> speakers, ulong seed)
    {
        ArgumentNullException.ThrowIfNull(speakers);
        var order = speakers.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        ulong state = seed;
        for (int i = order.Length - 1; i > 0; i--)
        {
            int j = (int)(Next(ref state) % (ulong)(i + 1));
            (order[i], order[j]) = (order[j], order[i]);
        }

        int n = order.Length;
        int total = Train + Devel + Test;
        int devel = Devel == 0 ? 0 : Math.Max(1, (int)Math.Round((double)n * Devel / total, MidpointRounding.AwayFromZero));
        int test = Test == 0 ? 0 : Math.Max(1, (int)Math.Round((double)n * Test / total, MidpointRounding.AwayFromZero));
        while (devel + test > n - 1 && (devel > 0 || test > 0))
        {
            // train keeps at least one speaker: take from the larger of devel and test
            if (test >= devel && test > 0)
            {
                test--;
            }
            else
            {
                devel--;
            }
        }

        var result = new Dictionary<string, CorpusPartition>(StringComparer.Ordinal);
        for (int i = 0; i < n; i++)
        {
            result[order[i]] = i < n - devel - test ? CorpusPartition.Train : i < n - test ? CorpusPartition.Devel : CorpusPartition.Test;
        }

        return result;
    }

    // SplitMix64 (Steele, Lea and Flood 2014): a full-period 64-bit generator, enough for a shuffle.
    private static ulong Next(ref ulong state)
    {
        ulong z = state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
