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
