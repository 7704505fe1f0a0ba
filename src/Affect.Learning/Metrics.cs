namespace Affect.Learning;

/// <summary>
/// The evaluation measures of the paper for categorical tasks, in one place for every stage: UAR and WAR. The
/// continuous ones (Pearson's CC, Lin's CCC) are <see cref="Affect.Audio.Correlation"/>.
/// </summary>
public static class Metrics
{
    /// <summary>Confusion matrix: entry [t, p] counts instances of true class t predicted as p.</summary>
    public static int[,] ConfusionMatrix(ReadOnlySpan<int> truth, ReadOnlySpan<int> predicted, int classes)
    {
        CheckPair(truth.Length, predicted.Length);
        var m = new int[classes, classes];
        for (int i = 0; i < truth.Length; i++)
        {
            if ((uint)truth[i] >= (uint)classes || (uint)predicted[i] >= (uint)classes)
            {
                throw new ArgumentOutOfRangeException(nameof(truth), $"instance {i}: class index outside 0..{classes - 1}");
            }

            m[truth[i], predicted[i]]++;
        }

        return m;
    }

    /// <summary>
    /// Unweighted average recall: the mean over classes of TP_c / N_c, classes absent from <paramref name="truth"/>
    /// left out (their recall is undefined). The challenge measure for imbalanced classes; chance level is 1/L.
    /// </summary>
    public static double Uar(ReadOnlySpan<int> truth, ReadOnlySpan<int> predicted, int classes)
    {
        var m = ConfusionMatrix(truth, predicted, classes);
        double sum = 0;
        int present = 0;
        for (int c = 0; c < classes; c++)
        {
            int support = 0;
            for (int p = 0; p < classes; p++)
            {
                support += m[c, p];
            }

            if (support > 0)
            {
                sum += (double)m[c, c] / support;
                present++;
            }
        }

        return present == 0 ? double.NaN : sum / present;
    }

    /// <summary>Weighted average recall, i.e. accuracy: the share of instances predicted correctly.</summary>
    public static double War(ReadOnlySpan<int> truth, ReadOnlySpan<int> predicted)
    {
        CheckPair(truth.Length, predicted.Length);
        if (truth.Length == 0)
        {
            return double.NaN;
        }

        int hit = 0;
        for (int i = 0; i < truth.Length; i++)
        {
            hit += truth[i] == predicted[i] ? 1 : 0;
        }

        return (double)hit / truth.Length;
    }

    /// <summary>Recall of each class (NaN for a class absent from <paramref name="truth"/>).</summary>
    public static double[] Recalls(ReadOnlySpan<int> truth, ReadOnlySpan<int> predicted, int classes)
    {
        var m = ConfusionMatrix(truth, predicted, classes);
        var r = new double[classes];
        for (int c = 0; c < classes; c++)
        {
            int support = 0;
            for (int p = 0; p < classes; p++)
            {
                support += m[c, p];
            }

            r[c] = support == 0 ? double.NaN : (double)m[c, c] / support;
        }

        return r;
    }

    private static void CheckPair(int a, int b)
    {
        if (a != b)
        {
            throw new ArgumentException($"series lengths differ: {a} and {b}");
        }
    }
}
