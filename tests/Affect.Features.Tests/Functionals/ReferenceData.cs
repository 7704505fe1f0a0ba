using System.Buffers.Binary;
using Affect.Features.Functionals;

namespace Affect.Features.Tests.Functionals;

/// <summary>Locates and reads the openSMILE reference outputs under tests/data/opensmile.</summary>
internal static class ReferenceData
{
    public static string Root => Affect.Features.Tests.Lld.OpenSmileReference.Directory;

    /// <summary>Reads an HTK feature file (big-endian header + float32 frames).</summary>
    public static (float[] Data, int Frames, int Width) ReadHtk(string path)
    {
        byte[] b = File.ReadAllBytes(path);
        int frames = BinaryPrimitives.ReadInt32BigEndian(b);
        int bytesPerFrame = BinaryPrimitives.ReadInt16BigEndian(b.AsSpan(8));
        int width = bytesPerFrame / 4;
        var data = new float[frames * width];
        for (int i = 0; i < data.Length; i++)
        {
            data[i] = BinaryPrimitives.ReadSingleBigEndian(b.AsSpan(12 + (4 * i)));
        }

        return (data, frames, width);
    }

    /// <summary>Set-2 cases: LLD HTK file and functionals HTK file.</summary>
    public static IEnumerable<string> Set2Names() =>
        Directory.GetFiles(Path.Combine(Root, "set2", "lld_htk"), "*.htk").Select(Path.GetFileNameWithoutExtension).Order(StringComparer.Ordinal)!;

    public static (float[] Lld, int Frames) Set2Lld(string name)
    {
        var (d, f, w) = ReadHtk(Path.Combine(Root, "set2", "lld_htk", name + ".htk"));
        Assert.Equal(130, w);
        return (d, f);
    }

    public static float[] Set2Functionals(string name) => ReadHtk(Path.Combine(Root, "set2", "functionals_htk", name + ".htk")).Data;

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
