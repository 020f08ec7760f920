namespace Afin.Modelling;

/// <summary>Conversions between the public <c>double[,]</c> form of matrices and the flat row-major form used internally.</summary>
internal static class Matrix
{
    internal static double[] ToRowMajor(double[,] m)
    {
        var flat = new double[m.Length];
        int cols = m.GetLength(1);
        for (int i = 0; i < m.GetLength(0); i++)
        {
            for (int j = 0; j < cols; j++)
            {
                flat[i * cols + j] = m[i, j];
            }
        }
        return flat;
    }

    internal static double[,] FromRowMajor(ReadOnlySpan<double> flat, int rows, int cols)
    {
        var m = new double[rows, cols];
        for (int i = 0; i < rows; i++)
        {
            for (int j = 0; j < cols; j++)
            {
                m[i, j] = flat[i * cols + j];
            }
        }
        return m;
    }

    internal static double Dot(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        double s = 0;
        for (int i = 0; i < a.Length; i++)
        {
            s += a[i] * b[i];
        }
        return s;
    }

    /// <summary>target += alpha * x, the gradient accumulation used by every linear family.</summary>
    internal static void AddScaled(Span<double> target, double alpha, ReadOnlySpan<double> x)
    {
        for (int i = 0; i < target.Length; i++)
        {
            target[i] += alpha * x[i];
        }
    }
}
