using System.Diagnostics;

namespace Affect.Audio.Tests;

public class NpyFormatTests
{
    [Fact]
    public void Round_trips_a_matrix_and_keeps_the_header_64_byte_aligned()
    {
        float[] values = Enumerable.Range(0, 7 * 130).Select(i => (i * 0.37f) - 100f).ToArray();
        using var ms = new MemoryStream();
        NpyFormat.Write(ms, values, 7, 130);
        Assert.Equal(0, (ms.Length - (values.Length * 4)) % 64);
        ms.Position = 0;
        var (back, rows, cols) = NpyFormat.Read(ms, "mem.npy");
        Assert.Equal((7, 130), (rows, cols));
        Assert.Equal(values, back);
    }

    [Fact]
    public void Rejects_wrong_shapes_and_foreign_files()
    {
        Assert.Throws<ArgumentException>(() => NpyFormat.Write(new MemoryStream(), new float[5], 2, 3));
        var e = Assert.Throws<InvalidDataException>(() => NpyFormat.Read(new MemoryStream(new byte[16]), "x.npy"));
        Assert.Contains("x.npy: magic", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(1, "{'descr': '<f8', 'fortran_order': False, 'shape': (3, 2), }", 8, null)]
    [InlineData(2, "{'descr': '<f4', 'fortran_order': False, 'shape': (3, 2), }", 4, null)]
    [InlineData(3, "{'descr': '<f8', 'fortran_order': False, 'shape': (3, 2), }", 8, null)]
    [InlineData(1, "{'descr': '<i4', 'fortran_order': False, 'shape': (3, 2), }", 0, "h.npy: descr:")]
    [InlineData(1, "{'descr': '<f4', 'fortran_order': True, 'shape': (3, 2), }", 0, "h.npy: fortran_order:")]
    [InlineData(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (6,), }", 0, "h.npy: shape:")]
    [InlineData(4, "{'descr': '<f4', 'fortran_order': False, 'shape': (3, 2), }", 0, "h.npy: header:")]
    public void The_one_header_parser_reads_versions_1_to_3_and_names_the_bad_field(int version, string dict, int width, string? error)
    {
        // The same parser serves NpyFormat.Read (float32 artifacts) and Affect.Learning's NpyTable (float32/64 tables).
        var header = new List<byte>([0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', (byte)version, 0]);
        string text = dict + "\n";
        header.AddRange(version == 1 ? BitConverter.GetBytes((ushort)text.Length) : BitConverter.GetBytes((uint)text.Length));
        header.AddRange(System.Text.Encoding.ASCII.GetBytes(text));
        byte[] bytes = [.. header];
        Assert.Equal(bytes.Length, NpyFormat.HeaderEnd(bytes.AsSpan(0, version == 1 ? 10 : 12)));
        if (error is null)
        {
            Assert.Equal(new NpyHeader(bytes.Length, width, 3, 2), NpyFormat.ParseHeader(bytes, "h.npy"));
        }
        else
        {
            var e = Assert.Throws<InvalidDataException>(() => NpyFormat.ParseHeader(bytes, "h.npy"));
            Assert.StartsWith(error, e.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void NumPy_loads_the_file_with_the_same_shape_and_values()
    {
        if (!File.Exists("/usr/bin/python3"))
        {
            Assert.Fail("python3 (with numpy) is required at /usr/bin/python3 for this test");
        }

        string dir = Directory.CreateTempSubdirectory("affect-npy").FullName;
        try
        {
            float[] values = [1.5f, -2f, 3.25f, 1e-7f, 0f, 65504f];
            string npy = Path.Combine(dir, "m.npy");
            using (var fs = File.Create(npy))
            {
                NpyFormat.Write(fs, values, 2, 3);
            }

            string script = Path.Combine(dir, "check.py");
            File.WriteAllText(script, "import numpy as np, sys\na = np.load(sys.argv[1])\nprint(a.dtype, a.shape, ' '.join(repr(float(v)) for v in a.ravel()))\n");
            var psi = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardOutput = true, RedirectStandardError = true };
            psi.ArgumentList.Add(script);
            psi.ArgumentList.Add(npy);
            using var p = Process.Start(psi)!;
            string output = p.StandardOutput.ReadToEnd().Trim();
            string error = p.StandardError.ReadToEnd();
            p.WaitForExit();
            Assert.True(p.ExitCode == 0, error);
            Assert.Equal("float32 (2, 3) 1.5 -2.0 3.25 1.0000000116860974e-07 0.0 65504.0", output);
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }
}
