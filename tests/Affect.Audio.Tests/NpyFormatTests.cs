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
