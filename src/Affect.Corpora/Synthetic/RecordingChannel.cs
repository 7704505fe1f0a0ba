namespace Affect.Corpora.Synthetic;

/// <summary>
/// Puts a clean rendering through a corpus's <see cref="AcousticChannel"/>: the room (Schroeder reverberator: four
/// parallel feedback combs with gains g = 10^(−3·d/RT60) for delay d, then two all-passes), the room's pink-ish noise
/// at the noise floor, then the microphone's band limits (2nd-order Butterworth high-pass, two 2nd-order low-passes) and
/// EQ (RBJ low shelf at 300 Hz, high shelf at 3 kHz), and a soft limiter.
/// </summary>
internal static class RecordingChannel
{
    private static readonly int[] CombDelays = [475, 593, 658, 699];
    private static readonly int[] AllPassDelays = [80, 27];

    /// <summary>Returns the recorded signal at <see cref="SpeechRenderer.SampleRate"/>; <paramref name="rng"/> draws the noise and its level.</summary>
    public static float[] Apply(double[] clean, AcousticChannel channel, Xoshiro256StarStar rng)
    {
        double rate = SpeechRenderer.SampleRate;
        double noiseDb = channel.NoiseFloorDbfs + rng.Uniform(-3, 3);
        var x = Reverberate(clean, channel.ReverbSeconds, channel.ReverbMix, rate);
        AddNoise(x, Math.Pow(10, noiseDb / 20), rng);
        var filters = new[]
        {
            Biquad.HighPass(channel.HighPassHz, rate),
            Biquad.LowPass(channel.LowPassHz, rate),
            Biquad.LowPass(channel.LowPassHz, rate),
            Biquad.LowShelf(300, channel.LowShelfDb, rate),
            Biquad.HighShelf(3000, channel.HighShelfDb, rate),
        };
        var output = new float[x.Length];
        for (int i = 0; i < x.Length; i++)
        {
            double y = x[i];
            foreach (var f in filters)
            {
                y = f.Step(y);
            }

            output[i] = (float)SpeechRenderer.SoftLimit(y);
        }

        return output;
    }

    private static double[] Reverberate(double[] dry, double rt60, double mix, double rate)
    {
        var output = new double[dry.Length];
        if (mix <= 0 || rt60 <= 0)
        {
            Array.Copy(dry, output, dry.Length);
            return output;
        }

        var wet = new double[dry.Length];
        foreach (int d in CombDelays)
        {
            // Feedback comb y[n] = x[n]·√(1 − g²) + g·y[n − d]: unit energy gain for white input, decaying 60 dB in RT60.
            double g = Math.Pow(10, -3.0 * d / rate / rt60);
            double inGain = 0.5 * Math.Sqrt(1 - (g * g));
            var line = new double[d];
            for (int n = 0; n < dry.Length; n++)
            {
                int k = n % d;
                double y = (inGain * dry[n]) + (g * line[k]);
                line[k] = y;
                wet[n] += y;
            }
        }

        foreach (int d in AllPassDelays)
        {
            // All-pass y[n] = −g·x[n] + x[n − d] + g·y[n − d] with g = 0.7.
            const double g = 0.7;
            var xs = new double[d];
            var ys = new double[d];
            for (int n = 0; n < wet.Length; n++)
            {
                int k = n % d;
                double x = wet[n];
                double y = (-g * x) + xs[k] + (g * ys[k]);
                xs[k] = x;
                ys[k] = y;
                wet[n] = y;
            }
        }

        for (int n = 0; n < dry.Length; n++)
        {
            output[n] = ((1 - mix) * dry[n]) + (mix * wet[n]);
        }

        return output;
    }

    private static void AddNoise(double[] x, double rms, Xoshiro256StarStar rng)
    {
        if (x.Length == 0)
        {
            return;
        }

        var noise = new double[x.Length];
        double low = 0;
        double energy = 0;
        for (int n = 0; n < noise.Length; n++)
        {
            double white = (2 * rng.NextDouble()) - 1;
            low = (0.05 * white) + (0.95 * low);
            noise[n] = (0.3 * white) + (2.0 * low);
            energy += noise[n] * noise[n];
        }

        double scale = energy > 0 ? rms / Math.Sqrt(energy / noise.Length) : 0;
        for (int n = 0; n < x.Length; n++)
        {
            x[n] += scale * noise[n];
        }
    }

    /// <summary>A 2nd-order IIR section (RBJ Audio EQ Cookbook), direct form I.</summary>
    private sealed class Biquad(double b0, double b1, double b2, double a1, double a2)
    {
        private double _x1;
        private double _x2;
        private double _y1;
        private double _y2;

        public static Biquad LowPass(double f, double rate)
        {
            var (cos, alpha) = Angles(f, rate, 1 / Math.Sqrt(2));
            double a0 = 1 + alpha;
            return new((1 - cos) / 2 / a0, (1 - cos) / a0, (1 - cos) / 2 / a0, -2 * cos / a0, (1 - alpha) / a0);
        }

        public static Biquad HighPass(double f, double rate)
        {
            var (cos, alpha) = Angles(f, rate, 1 / Math.Sqrt(2));
            double a0 = 1 + alpha;
            return new((1 + cos) / 2 / a0, -(1 + cos) / a0, (1 + cos) / 2 / a0, -2 * cos / a0, (1 - alpha) / a0);
        }

        public static Biquad LowShelf(double f, double gainDb, double rate)
        {
            double a = Math.Pow(10, gainDb / 40);
            var (cos, alpha) = Angles(f, rate, 1 / Math.Sqrt(2));
            double s = 2 * Math.Sqrt(a) * alpha;
            double a0 = (a + 1) + ((a - 1) * cos) + s;
            return new(
                a * ((a + 1) - ((a - 1) * cos) + s) / a0,
                2 * a * ((a - 1) - ((a + 1) * cos)) / a0,
                a * ((a + 1) - ((a - 1) * cos) - s) / a0,
                -2 * ((a - 1) + ((a + 1) * cos)) / a0,
                ((a + 1) + ((a - 1) * cos) - s) / a0);
        }

        public static Biquad HighShelf(double f, double gainDb, double rate)
        {
            double a = Math.Pow(10, gainDb / 40);
            var (cos, alpha) = Angles(f, rate, 1 / Math.Sqrt(2));
            double s = 2 * Math.Sqrt(a) * alpha;
            double a0 = (a + 1) - ((a - 1) * cos) + s;
            return new(
                a * ((a + 1) + ((a - 1) * cos) + s) / a0,
                -2 * a * ((a - 1) + ((a + 1) * cos)) / a0,
                a * ((a + 1) + ((a - 1) * cos) - s) / a0,
                2 * ((a - 1) - ((a + 1) * cos)) / a0,
                ((a + 1) - ((a - 1) * cos) - s) / a0);
        }

        public double Step(double x)
        {
            double y = (b0 * x) + (b1 * _x1) + (b2 * _x2) - (a1 * _y1) - (a2 * _y2);
            _x2 = _x1;
            _x1 = x;
            _y2 = _y1;
            _y1 = y;
            return y;
        }

        private static (double Cos, double Alpha) Angles(double f, double rate, double q)
        {
            double w = 2 * Math.PI * Math.Min(f, 0.45 * rate) / rate;
            return (Math.Cos(w), Math.Sin(w) / (2 * q));
        }
    }
}
