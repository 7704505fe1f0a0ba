using Affect.Features.Functionals;
using Affect.Features.IO;

namespace Affect.Features.Tests.Functionals;

/// <summary>Locates and reads the openSMILE reference outputs under tests/data/opensmile.</summary>
internal static class ReferenceData
{
    public static string Root => Affect.Features.Tests.Lld.OpenSmileReference.Directory;

    /// <summary>Set-2 cases: LLD HTK file and functionals HTK file.</summary>
    public static IEnumerable<string> Set2Names() =>
        Directory.GetFiles(Path.Combine(Root, "set2", "lld_htk"), "*.htk").Select(Path.GetFileNameWithoutExtension).Order(StringComparer.Ordinal)!;

    public static (float[] Lld, int Frames) Set2Lld(string name)
    {
        var (d, f, w) = HtkFormat.Read(Path.Combine(Root, "set2", "lld_htk", name + ".htk"));
        Assert.Equal(130, w);
        return (d, f);
    }

    public static float[] Set2Functionals(string name) => HtkFormat.Read(Path.Combine(Root, "set2", "functionals_htk", name + ".htk")).Values;

    /// <summary>Reads an openSMILE CSV (';' separated, header): column names and rows of values after name/frameTime.</summary>
    public static (string[] Columns, List<float[]> Rows) ReadCsv(string path)
    {
        var lines = File.ReadAllLines(path);
        var header = lines[0].Split(';');
        var rows = new List<float[]>();
        foreach (var line in lines.Skip(1).Where(l => l.Length > 0))
        {
            var p = line.Split(';');
            rows.Add([.. p.Skip(2).Select(s => float.Parse(s, System.Globalization.CultureInfo.InvariantCulture))]);
        }

        return (header[2..], rows);
    }

    public static IReadOnlyList<string> Columns => ComParEFunctionals.InputColumns;
}
