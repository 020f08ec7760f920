using System.Globalization;

namespace Afin.Modelling;

/// <summary>Validation helpers that raise <see cref="ProblemValidationException"/> with a field path.</summary>
internal static class Check
{
    internal static string Format(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    internal static void Finite(string path, ReadOnlySpan<double> values)
    {
        for (int i = 0; i < values.Length; i++)
        {
            if (!double.IsFinite(values[i]))
            {
                throw new ProblemValidationException($"{path}[{i}]", $"expected a finite number, got {Format(values[i])}");
            }
        }
    }

    /// <summary>
    /// Checks that every value is of magnitude at most <see cref="NumericLimits.MaxMagnitude"/>: a location, design entry,
    /// observation or offset, which the methods square.
    /// </summary>
    internal static void Magnitude(string path, ReadOnlySpan<double> values)
    {
        for (int i = 0; i < values.Length; i++)
        {
            if (Math.Abs(values[i]) > NumericLimits.MaxMagnitude)
            {
                throw new ProblemValidationException($"{path}[{i}]",
                    $"expected a magnitude of at most {Format(NumericLimits.MaxMagnitude)} (its square must not overflow double arithmetic), got {Format(values[i])}");
            }
        }
    }

    internal static void Positive(string path, ReadOnlySpan<double> values)
    {
        for (int i = 0; i < values.Length; i++)
        {
            if (!double.IsFinite(values[i]) || values[i] <= 0)
            {
                throw new ProblemValidationException($"{path}[{i}]", $"expected a finite number > 0, got {Format(values[i])}");
            }
        }
    }

    /// <summary>
    /// Checks that every value of a positive scale, noise sd or df lies between <see cref="NumericLimits.MinScale"/> and
    /// <see cref="NumericLimits.MaxScale"/>, so that its square and inverse square stay within double arithmetic.
    /// </summary>
    internal static void ScaleRange(string path, ReadOnlySpan<double> values)
    {
        for (int i = 0; i < values.Length; i++)
        {
            if (values[i] < NumericLimits.MinScale || values[i] > NumericLimits.MaxScale)
            {
                throw new ProblemValidationException($"{path}[{i}]",
                    $"expected a number between {Format(NumericLimits.MinScale)} and {Format(NumericLimits.MaxScale)} " +
                    $"(its square and inverse square must stay within double arithmetic), got {Format(values[i])}");
            }
        }
    }

    /// <summary>
    /// Checks that df x scale², the squared width of a Student-t factor, stays at least <see cref="NumericLimits.MinStudentTWidth"/>:
    /// the density divides the squared residual by it, and a width that underflows to 0 makes the density at its centre 0 / 0.
    /// Both vectors are already resolved to the same length.
    /// </summary>
    internal static void StudentTWidth(string dfPath, string scaleField, ReadOnlySpan<double> df, ReadOnlySpan<double> scale)
    {
        for (int i = 0; i < df.Length; i++)
        {
            double width = df[i] * scale[i] * scale[i];
            if (width < NumericLimits.MinStudentTWidth)
            {
                throw new ProblemValidationException($"{dfPath}[{i}]",
                    $"expected df x {scaleField}² of at least {Format(NumericLimits.MinStudentTWidth)} (the squared width of the Student-t density, which must not underflow double arithmetic), " +
                    $"got {Format(df[i])} x {Format(scale[i])}² = {Format(width)}");
            }
        }
    }

    /// <summary>Checks that a scalar-or-vector argument has length 1 or <paramref name="expected"/>.</summary>
    internal static void BroadcastLength(string path, int length, int expected, string what)
    {
        if (length != 1 && length != expected)
        {
            throw new ProblemValidationException(path, $"expected a scalar or {expected} values (one per {what}), got {length}");
        }
    }

    internal static void Length(string path, int length, int expected, string what)
    {
        if (length != expected)
        {
            throw new ProblemValidationException(path, $"expected {expected} values (one per {what}), got {length}");
        }
    }

    internal static void NotNull(string path, object? value)
    {
        if (value is null)
        {
            throw new ProblemValidationException(path, "is required");
        }
    }

    /// <summary>Expands a length-1 array to <paramref name="length"/> copies; returns a copy otherwise.</summary>
    internal static double[] Broadcast(double[] values, int length) =>
        values.Length == 1 && length != 1 ? Enumerable.Repeat(values[0], length).ToArray() : (double[])values.Clone();
}
