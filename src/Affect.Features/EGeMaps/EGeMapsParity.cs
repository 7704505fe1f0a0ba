using System.Globalization;
using System.Text;
using Affect.Audio;
using Affect.Features.Functionals;
using Affect.Features.IO;

namespace Affect.Features.EGeMaps;

/// <summary>Agreement of one recording's eGeMAPS outputs with openSMILE's.</summary>
/// <param name="File">Recording, relative to the reference root (e.g. <c>set2/wav/emodb_12a01Lb.wav</c>).</param>
/// <param name="FunctionalMatches">Functionals within tolerance (of <see cref="EGeMapsV02.FunctionalCount"/>).</param>
/// <param name="Mismatches">Names and values (ours, openSMILE's) of the others.</param>
/// <param name="LldValues">LLD values compared (0 when the reference has no LLD file for the recording).</param>
/// <param name="LldMatches">LLD values within tolerance.</param>
public sealed record EGeMapsParityReport(string File, int FunctionalMatches, IReadOnlyList<(string Name, float Ours, float Reference)> Mismatches, long LldValues, long LldMatches)
{
    /// <summary>Share of the 88 functionals within tolerance.</summary>
    public double FunctionalShare => FunctionalMatches / (double)EGeMapsV02.FunctionalCount;

    /// <summary>Share of the LLD values within tolerance (1 when none were compared).</summary>
    public double LldShare => LldValues == 0 ? 1.0 : LldMatches / (double)LldValues;
}

/// <summary>
/// Parity of <see cref="EGeMapsV02"/> with openSMILE 3's eGeMAPSv02.conf outputs of the set-2 reference recordings
/// (<c>set2/egemaps_functionals.csv</c>, <c>set2/egemaps_lld/NAME.csv</c>), with the ComParE tolerance
/// (|ours − ref| ≤ 1e-3·|ref| or ≤ 1e-6, <see cref="FunctionalsParity.Within"/>); renders the docs/parity.md section.
/// </summary>
public static class EGeMapsParity
{
    /// <summary>Marker that opens the generated eGeMAPS section of docs/parity.md.</summary>
    public const string BeginMarker = "<!-- BEGIN egemaps -->";

    /// <summary>Marker that closes the generated eGeMAPS section of docs/parity.md.</summary>
    public const string EndMarker = "<!-- END egemaps -->";

    /// <summary>Compares every recording listed in <c>set2/egemaps_functionals.csv</c> under <paramref name="referenceRoot"/>.</summary>
    /// <param name="referenceRoot">The reference folder (tests/data/opensmile).</param>
    public static IReadOnlyList<EGeMapsParityReport> Run(string referenceRoot)
    {
        string set2 = Path.Combine(referenceRoot, "set2");
        string table = Path.Combine(set2, "egemaps_functionals.csv");
        var (header, rows) = ReadFunctionals(table);
        for (int i = 0; i < EGeMapsV02.FunctionalCount; i++)
        {
            if (header[i] != EGeMapsV02.FunctionalNames[i])
            {
                throw new InvalidDataException($"{table}: column {i + 3}: '{header[i]}' where '{EGeMapsV02.FunctionalNames[i]}' was expected");
            }
        }

        var reports = new EGeMapsParityReport[rows.Count];
        Parallel.For(0, rows.Count, i =>
        {
            var (name, reference) = rows[i];
            string wav = Path.Combine(set2, "wav", name + ".wav");
            AudioClip clip = AudioLoader.LoadMono(wav);
            var samples = new float[clip.Samples.Length];
            LowLevelDescriptorOptions.ApplyInputGain(clip.Samples, (float)LowLevelDescriptorOptions.OpenSmileGainFor(clip.SourceBitsPerSample), samples);
            var (lld, functionals) = EGeMapsV02.Extract(samples);
            var bad = new List<(string, float, float)>();
            for (int k = 0; k < functionals.Length; k++)
            {
                if (!FunctionalsParity.Within(functionals[k], reference[k]))
                {
                    bad.Add((EGeMapsV02.FunctionalNames[k], functionals[k], reference[k]));
                }
            }

            long values = 0, matches = 0;
            string lldPath = Path.Combine(set2, "egemaps_lld", name + ".csv");
            if (File.Exists(lldPath))
            {
                using var reader = new StreamReader(lldPath);
                LldMatrix refLld = OpenSmileCsv.Read(reader, lldPath).Single().Matrix;
                if (refLld.Rows != lld.Rows || refLld.Columns != lld.Columns)
                {
                    throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture, $"{lldPath}: {refLld.Rows} × {refLld.Columns} values where ours are {lld.Rows} × {lld.Columns}"));
                }

                for (int v = 0; v < refLld.Values.Length; v++)
                {
                    values++;
                    matches += FunctionalsParity.Within(lld.Values[v], refLld.Values[v]) ? 1 : 0;
                }
            }

            reports[i] = new EGeMapsParityReport("set2/wav/" + name + ".wav", functionals.Length - bad.Count, bad, values, matches);
        });
        return reports;
    }

    /// <summary>Renders the eGeMAPS section of docs/parity.md (markers included).</summary>
    /// <param name="reports">Reports in the order to print.</param>
    public static string RenderMarkdown(IReadOnlyList<EGeMapsParityReport> reports)
    {
        ArgumentNullException.ThrowIfNull(reports);
        var inv = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        sb.Append(BeginMarker).Append('\n');
        sb.Append("## eGeMAPS v02 from WAV vs openSMILE 3\n\n");
        sb.Append("Generated by `affect features parity-egemaps --reference tests/data/opensmile --markdown docs/parity.md` ");
        sb.Append("(checked by `EGeMapsParityTests`). Input: each set-2 WAV through `EGeMapsV02` (as `affect features egemaps` computes it); ");
        sb.Append("reference: SMILExtract with `config/egemaps/v02/eGeMAPSv02.conf` (`set2/egemaps_functionals.csv`, `set2/egemaps_lld/`; ");
        sb.Append("the LLD CSV has 7 significant digits). A value matches when |ours − ref| ≤ 1e-3·|ref| or ≤ 1e-6.\n\n");
        sb.Append("| recording | functionals matching | share | LLD values matching | share |\n|---|---:|---:|---:|---:|\n");
        foreach (var r in reports)
        {
            string lld = r.LldValues == 0 ? "– | –" : string.Create(inv, $"{r.LldMatches} / {r.LldValues} | {r.LldShare * 100:F2} %");
            sb.Append(inv, $"| {r.File} | {r.FunctionalMatches} / {EGeMapsV02.FunctionalCount} | {r.FunctionalShare * 100:F2} % | {lld} |\n");
        }

        double min = reports.Count == 0 ? 0 : reports.Min(r => r.FunctionalShare);
        sb.Append(inv, $"\nLowest functional share: {min * 100:F2} % (the bar is 99 % for every file).\n");
        var mismatches = reports.SelectMany(r => r.Mismatches.Select(m => (r.File, m.Name, m.Ours, m.Reference))).ToList();
        if (mismatches.Count > 0)
        {
            sb.Append("\n| recording | functional | ours | openSMILE |\n|---|---|---:|---:|\n");
            foreach (var (file, name, ours, reference) in mismatches)
            {
                sb.Append(inv, $"| {file} | {name} | {ours:G7} | {reference:G7} |\n");
            }
        }

        sb.Append('\n');
        sb.Append("End of input: openSMILE's functionals of the pitch-gated levels see only the J frames its Viterbi pitch smoother had ");
        sb.Append("decided when the input ended (J = frames − 1 after silence, frames − 2 when the last frames are voiced); the ");
        sb.Append("jitter/shimmer/HNR/harmonics/formant set is smoothed as if it ended at frame J − 1, F0 and the voiced/unvoiced spectral ");
        sb.Append("sets with their genuine next frame; the 20 ms-only levels (loudness, flux, MFCC, Leq) see every complete 20 ms frame. ");
        sb.Append("The LLD output has the ComParE row grid (complete 60 ms frames + 1), and its rows J − 1 and J of the 60 ms set follow ");
        sb.Append("the same first end-of-input pass.\n");
        sb.Append(EndMarker).Append('\n');
        return sb.ToString();
    }

    private static (string[] Header, List<(string Name, float[] Values)> Rows) ReadFunctionals(string path)
    {
        string[] lines = File.ReadAllLines(path);
        if (lines.Length == 0)
        {
            throw new InvalidDataException($"{path}: empty file");
        }

        string[] header = lines[0].Split(';');
        if (header.Length != EGeMapsV02.FunctionalCount + 2)
        {
            throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture, $"{path}: header: {header.Length} columns where {EGeMapsV02.FunctionalCount + 2} were expected"));
        }

        var rows = new List<(string, float[])>();
        for (int l = 1; l < lines.Length; l++)
        {
            if (lines[l].Length == 0)
            {
                continue;
            }

            string[] p = lines[l].Split(';');
            if (p.Length != header.Length)
            {
                throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture, $"{path}: line {l + 1}: {p.Length} columns where {header.Length} were expected"));
            }

            var v = new float[EGeMapsV02.FunctionalCount];
            for (int k = 0; k < v.Length; k++)
            {
                if (!float.TryParse(p[k + 2], NumberStyles.Float, CultureInfo.InvariantCulture, out v[k]))
                {
                    throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture, $"{path}: line {l + 1}: {header[k + 2]}: '{p[k + 2]}' is not a number"));
                }
            }

            rows.Add((p[0].Trim('\''), v));
        }

        return (header[2..], rows);
    }
}
