namespace Affect.Corpora.Synthetic;

/// <summary>The fixed traits of one synthetic speaker, drawn from a corpus's <see cref="SpeakerPopulation"/>.</summary>
/// <param name="BaseF0Hz">Speaking F0 at neutral arousal (within the population's male or female range).</param>
/// <param name="FormantScale">Vocal tract scaling of the formant targets (about 1.0 male, 1.15 female).</param>
/// <param name="LoudnessDb">Speaker loudness offset in dB.</param>
/// <param name="SyllablesPerSecond">Speaker syllable rate at neutral arousal (population rate × 0.9–1.1).</param>
/// <param name="Breathiness">Speaker aspiration-noise offset (0–0.04).</param>
/// <param name="ArousalSemitones">F0 rise per unit of arousal (population pitch range × 0.85–1.15).</param>
/// <param name="Population">The population (vowel inventory, fricatives).</param>
internal sealed record SyntheticVoice(double BaseF0Hz, double FormantScale, double LoudnessDb, double SyllablesPerSecond, double Breathiness, double ArousalSemitones, SpeakerPopulation Population)
{
    /// <summary>Draws a speaker: female with the population's share, then F0, formant scale, loudness, rate, breathiness, pitch range.</summary>
    public static SyntheticVoice Draw(Xoshiro256StarStar rng, SpeakerPopulation population)
    {
        bool female = rng.Chance(population.FemaleShare);
        var (lo, hi) = female ? population.FemaleF0Hz : population.MaleF0Hz;
        double f0 = rng.Uniform(lo, hi);
        double scale = female ? rng.Uniform(1.11, 1.2) : rng.Uniform(0.95, 1.04);
        return new SyntheticVoice(f0, scale, rng.Uniform(-2, 2), population.SyllablesPerSecond * rng.Uniform(0.9, 1.1), rng.Uniform(0, 0.04),
            population.ArousalSemitones * rng.Uniform(0.85, 1.15), population);
    }
}

/// <summary>
/// Renders speech-like audio whose prosody follows latent arousal and valence tracks. Source–filter model:
/// a Rosenberg glottal pulse train (flow g = ½(1 − cos(π t/Tp)) while opening, cos(π (t − Tp)/(2 Tn)) while closing,
/// differentiated for lip radiation) with jitter, shimmer and aspiration noise, a one-pole spectral-tilt filter, then
/// cascaded 2nd-order formant resonators y[n] = A x[n] + B y[n−1] + C y[n−2] with C = −e^(−2πbT),
/// B = 2e^(−πbT) cos(2πfT), A = 1 − B − C (Klatt, 1980); unvoiced fricatives are resonator-filtered noise;
/// phrases are separated by pauses. The clean signal then goes through the corpus's <see cref="RecordingChannel"/>.
/// Arousal is strongly encoded, as in real speech: it raises F0 level and range, energy and syllable rate, shortens
/// pauses and flattens the spectral tilt (smaller open quotient, weaker tilt filter). Valence is weakly encoded: it
/// tilts phrase contours a little from falling to rising, lowers jitter, shimmer and breathiness slightly, and raises
/// the formants by about 1 % (smiling).
/// </summary>
internal static class SpeechRenderer
{
    /// <summary>Output sample rate in Hz.</summary>
    public const int SampleRate = 16000;

    /// <summary>Rate, in Hz, of the latent tracks passed in.</summary>
    public const double LatentRate = 100;

    private const int ControlRate = 1000;
    private const int SamplesPerControl = SampleRate / ControlRate;
    private const double OutputGain = 0.15;

    private const double Schwa1 = 500;
    private const double Schwa2 = 1500;
    private const double Schwa3 = 2500;

    /// <summary>Renders <paramref name="seconds"/> of clean audio (no channel, no background noise) at <see cref="SampleRate"/>.</summary>
    /// <param name="voice">The speaker.</param>
    /// <param name="arousal">Latent arousal in [-1, 1] at <see cref="LatentRate"/> Hz.</param>
    /// <param name="valence">Latent valence in [-1, 1] at <see cref="LatentRate"/> Hz.</param>
    /// <param name="seconds">Duration of the output.</param>
    /// <param name="rng">Source of every random choice.</param>
    public static double[] Render(SyntheticVoice voice, double[] arousal, double[] valence, double seconds, Xoshiro256StarStar rng)
    {
        int controls = (int)Math.Ceiling(seconds * ControlRate) + 2;
        var plan = new Plan(controls);
        PlanProsody(voice, arousal, valence, seconds, rng, plan);
        return Synthesize(voice, arousal, valence, seconds, rng, plan);
    }

    private sealed class Plan(int n)
    {
        public readonly double[] VoicedAmp = new double[n];
        public readonly double[] FricAmp = new double[n];
        public readonly double[] FricCenter = new double[n];
        public readonly double[] F0Semitones = new double[n];
        public readonly double[] F1 = new double[n];
        public readonly double[] F2 = new double[n];
        public readonly double[] F3 = new double[n];
    }

    private static double A(double[] track, double t) => LatentProcess.At(track, LatentRate, t);

    private static void PlanProsody(SyntheticVoice voice, double[] arousal, double[] valence, double seconds, Xoshiro256StarStar rng, Plan plan)
    {
        int n = plan.VoicedAmp.Length;
        var population = voice.Population;
        Array.Fill(plan.F1, Schwa1 * voice.FormantScale);
        Array.Fill(plan.F2, Schwa2 * voice.FormantScale);
        Array.Fill(plan.F3, Schwa3 * voice.FormantScale);
        Array.Fill(plan.FricCenter, 4500);
        var f1Target = (double[])plan.F1.Clone();
        var f2Target = (double[])plan.F2.Clone();
        var f3Target = (double[])plan.F3.Clone();

        double t = rng.Uniform(0.1, 0.4);
        double end = seconds - 0.25;
        var syllables = new List<(double Start, double Duration)>();
        while (t < end - 0.15)
        {
            // One phrase: syllable durations follow the local tempo (arousal speeds speech up).
            syllables.Clear();
            int count = 3 + rng.NextInt(9);
            double s = t;
            for (int k = 0; k < count && s < end - 0.12; k++)
            {
                double a = A(arousal, s);
                double rate = voice.SyllablesPerSecond * (1 + (0.3 * a));
                double d = Math.Min(rng.Uniform(0.75, 1.3) / rate, end - s);
                syllables.Add((s, d));
                s += d;
            }

            double phraseStart = t;
            double phraseLength = Math.Max(s - t, 1e-3);
            double vPhrase = A(valence, t + (phraseLength / 2));
            double slope = -1.5 + (0.8 * vPhrase); // semitones over the phrase: a little less falling when positive
            foreach (var (start, dur) in syllables)
            {
                double a = A(arousal, start);
                double v = A(valence, start);
                bool stressed = rng.Chance(0.35);
                double accent = stressed ? (1.6 + (0.35 * voice.ArousalSemitones * a)) * rng.Uniform(0.6, 1.2) : rng.Uniform(0, 0.4);
                double levelDb = (6.0 * a) + voice.LoudnessDb + (stressed ? 2.5 : 0) + rng.Uniform(-1.5, 1.5);
                double amp = Math.Pow(10, levelDb / 20);
                double fricDur = rng.Chance(population.FricativeShare) ? Math.Min(rng.Uniform(0.05, 0.1), 0.4 * dur) : 0;
                double gap = Math.Min(rng.Uniform(0.01, 0.03), 0.15 * dur);
                double vowelStart = start + fricDur;
                double vowelEnd = start + dur - gap;
                var vowel = population.Vowels[rng.NextInt(population.Vowels.Count)];
                double scale = voice.FormantScale * (1 + (0.01 * v));
                double fricCenter = rng.Uniform(population.FricativeHz.Low, population.FricativeHz.High);
                double fricAmp = 0.35 * amp * rng.Uniform(0.6, 1.2);

                int c0 = Math.Clamp((int)(start * ControlRate), 0, n - 1);
                int c1 = Math.Clamp((int)((start + dur) * ControlRate), 0, n - 1);
                for (int c = c0; c <= c1; c++)
                {
                    double time = (double)c / ControlRate;
                    f1Target[c] = vowel.F1 * scale;
                    f2Target[c] = vowel.F2 * scale;
                    f3Target[c] = vowel.F3 * scale;
                    double p = (time - phraseStart) / phraseLength;
                    double inVowel = (time - vowelStart) / Math.Max(vowelEnd - vowelStart, 1e-3);
                    double bump = inVowel is > 0 and < 1 ? 0.5 * (1 - Math.Cos(2 * Math.PI * inVowel)) : 0;
                    plan.F0Semitones[c] = (slope * p) + (accent * bump);
                    if (time >= vowelStart && time < vowelEnd)
                    {
                        plan.VoicedAmp[c] = amp * Ramp(time - vowelStart, vowelEnd - time, 0.02, 0.03);
                    }
                    else if (time >= start && time < vowelStart)
                    {
                        plan.FricAmp[c] = fricAmp * Math.Sin(Math.PI * (time - start) / fricDur);
                        plan.FricCenter[c] = fricCenter;
                    }
                }
            }

            // Pause after the phrase: shorter at high arousal, sometimes a long one.
            double aEnd = A(arousal, s);
            double pause = rng.Uniform(0.25, 0.7) * (1 - (0.45 * aEnd));
            if (rng.Chance(0.14 - (0.08 * aEnd)))
            {
                pause += rng.Uniform(0.6, 1.6);
            }

            int h0 = Math.Clamp((int)(s * ControlRate), 0, n - 1);
            int h1 = Math.Clamp((int)((s + pause) * ControlRate), 0, n - 1);
            for (int c = h0 + 1; c <= h1; c++)
            {
                plan.F0Semitones[c] = plan.F0Semitones[h0];
                f1Target[c] = f1Target[h0];
                f2Target[c] = f2Target[h0];
                f3Target[c] = f3Target[h0];
            }

            t = s + pause;
        }

        // Formant glides: targets smoothed with a 25 ms one-pole.
        double glide = Math.Exp(-1.0 / (0.025 * ControlRate));
        Glide(f1Target, plan.F1, glide);
        Glide(f2Target, plan.F2, glide);
        Glide(f3Target, plan.F3, glide);
    }

    private static double Ramp(double sinceStart, double untilEnd, double attack, double release)
    {
        double g = 1;
        if (sinceStart < attack)
        {
            g *= 0.5 * (1 - Math.Cos(Math.PI * sinceStart / attack));
        }

        if (untilEnd < release)
        {
            g *= 0.5 * (1 - Math.Cos(Math.PI * Math.Max(untilEnd, 0) / release));
        }

        return g;
    }

    private static void Glide(double[] target, double[] output, double p)
    {
        double y = target[0];
        for (int i = 0; i < target.Length; i++)
        {
            y = ((1 - p) * target[i]) + (p * y);
            output[i] = y;
        }
    }

    private static double[] Synthesize(SyntheticVoice voice, double[] arousal, double[] valence, double seconds, Xoshiro256StarStar rng, Plan plan)
    {
        int total = (int)Math.Round(seconds * SampleRate);
        var output = new double[total];
        var f1 = new Resonator();
        var f2 = new Resonator();
        var f3 = new Resonator();
        var f4 = new Resonator();
        var fric = new Resonator();
        f4.Tune(3500 * voice.FormantScale, 250);
        const double T = 1.0 / SampleRate;

        double pulseScale = 2.5 * SampleRate / voice.BaseF0Hz / 100; // equal loudness for low and high voices
        double pos = 0;
        double period = SampleRate / voice.BaseF0Hz;
        double periodAmp = 1;
        double tp = 0.4 * period;
        double tn = 0.16 * period;
        double prevFlow = 0;
        double tiltState = 0;
        double jitter = 0.005;
        double shimmer = 0.03;
        double breath = 0.03;
        double tiltPole = 0.6;
        double openQuotient = 0.6;
        for (int i = 0; i < total; i++)
        {
            int c = i / SamplesPerControl;
            double frac = (double)(i % SamplesPerControl) / SamplesPerControl;
            if (i % SamplesPerControl == 0)
            {
                double time = i * T;
                double a = A(arousal, time);
                double v = A(valence, time);
                double negative = 0.5 * (1 - v);
                jitter = 0.005 + (0.003 * negative);
                shimmer = 0.03 + (0.015 * negative);
                breath = 0.03 + voice.Breathiness + (0.02 * negative);
                tiltPole = Math.Clamp(0.45 - (0.2 * a), 0.1, 0.9);
                openQuotient = Math.Clamp(0.6 - (0.1 * a), 0.4, 0.8);
                f1.Tune(plan.F1[c], 70 + (60 * breath));
                f2.Tune(plan.F2[c], 100);
                f3.Tune(plan.F3[c], 150);
                fric.Tune(plan.FricCenter[c], 1800);
            }

            if (pos >= period)
            {
                // New glottal period: F0 from the arousal level (the speaker's pitch range per unit) and the planned contour, with jitter and shimmer.
                pos -= period;
                double time = i * T;
                double a = A(arousal, time);
                double semitones = (voice.ArousalSemitones * a) + plan.F0Semitones[c];
                double f0 = voice.BaseF0Hz * Math.Pow(2, semitones / 12);
                period = SampleRate / f0 * (1 + (jitter * rng.NextGaussian()));
                periodAmp = Math.Max(0.3, 1 + (shimmer * rng.NextGaussian()));
                double open = openQuotient * period;
                tp = 0.7 * open;
                tn = 0.3 * open;
            }

            double flow = pos < tp ? 0.5 * (1 - Math.Cos(Math.PI * pos / tp))
                : pos < tp + tn ? Math.Cos(Math.PI * (pos - tp) / (2 * tn))
                : 0;
            double dFlow = flow - prevFlow;
            prevFlow = flow;
            pos += 1;

            int c1 = Math.Min(c + 1, plan.VoicedAmp.Length - 1);
            double voicedAmp = plan.VoicedAmp[c] + ((plan.VoicedAmp[c1] - plan.VoicedAmp[c]) * frac);
            double fricAmp = plan.FricAmp[c] + ((plan.FricAmp[c1] - plan.FricAmp[c]) * frac);
            double noise = (2 * rng.NextDouble()) - 1;
            double source = voicedAmp * ((periodAmp * dFlow * pulseScale) + (breath * noise * (flow > 0 ? 0.12 : 0.04)));
            tiltState = ((1 - tiltPole) * source) + (tiltPole * tiltState);
            double voiced = f4.Step(f3.Step(f2.Step(f1.Step(tiltState))));

            double unvoiced = fricAmp > 0 ? fric.Step(noise) * fricAmp * 0.25 : fric.Step(0);
            output[i] = OutputGain * (voiced + unvoiced);
        }

        return output;
    }

    /// <summary>Identity below 0.7; above, 0.7 + 0.3·tanh((|x| − 0.7)/0.3) with x's sign, so loud peaks never hard-clip.</summary>
    public static double SoftLimit(double x)
    {
        double m = Math.Abs(x);
        return m <= 0.7 ? x : Math.CopySign(0.7 + (0.3 * Math.Tanh((m - 0.7) / 0.3)), x);
    }

    /// <summary>A Klatt 2nd-order digital resonator with unity gain at 0 Hz.</summary>
    private sealed class Resonator
    {
        private double _a;
        private double _b;
        private double _c;
        private double _y1;
        private double _y2;

        public void Tune(double frequency, double bandwidth)
        {
            const double T = 1.0 / SampleRate;
            double f = Math.Min(frequency, (0.5 * SampleRate) - 500);
            _c = -Math.Exp(-2 * Math.PI * bandwidth * T);
            _b = 2 * Math.Exp(-Math.PI * bandwidth * T) * Math.Cos(2 * Math.PI * f * T);
            _a = 1 - _b - _c;
        }

        public double Step(double x)
        {
            double y = (_a * x) + (_b * _y1) + (_c * _y2);
            _y2 = _y1;
            _y1 = y;
            return y;
        }
    }
}
