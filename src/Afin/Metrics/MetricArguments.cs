using System.Globalization;

namespace Afin.Metrics;

/// <summary>
/// Argument validation shared by the metrics. Every failure is an <see cref="ArgumentException"/> (or
/// <see cref="ArgumentNullException"/>) whose message names the argument, the offending index and what was expected.
/// </summary>
internal static class MetricArguments
{
    internal static string Format(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    internal static void NotNull(object? value, string name)
    {
        if (value is null)
        {
            throw new ArgumentNullException(name, $"{name} is required.");
        }
    }

    /// <summary>Checks a non-null, non-empty vector of finite values.</summary>
    internal static void FiniteVector(double[]? values, string name)
    {
        NotNull(values, name);
        if (values!.Length == 0)
        {
            throw new ArgumentException($"{name} is empty; expected at least one coordinate.", name);
        }
        for (int i = 0; i < values.Length; i++)
        {
            if (!double.IsFinite(values[i]))
            {
                throw new ArgumentException($"{name}[{i}] is {Format(values[i])}; expected a finite number.", name);
            }
        }
    }

    /// <summary>Checks a non-null, non-empty vector of finite, strictly positive values (standard deviations).</summary>
    internal static void PositiveVector(double[]? values, string name)
    {
        FiniteVector(values, name);
        for (int i = 0; i < values!.Length; i++)
        {
            if (!(values[i] > 0))
            {
                throw new ArgumentException($"{name}[{i}] is {Format(values[i])}; expected a standard deviation > 0.", name);
            }
        }
    }

    /// <summary>Checks a non-null matrix with at least one row and one column, all entries finite.</summary>
    internal static void FiniteMatrix(double[,]? values, string name)
    {
        NotNull(values, name);
        int rows = values!.GetLength(0), cols = values.GetLength(1);
        if (rows == 0 || cols == 0)
        {
            throw new ArgumentException($"{name} is {rows} x {cols}; expected at least one row and one column.", name);
        }
        for (int i = 0; i < rows; i++)
        {
            for (int j = 0; j < cols; j++)
            {
                if (!double.IsFinite(values[i, j]))
                {
                    throw new ArgumentException($"{name}[{i}, {j}] is {Format(values[i, j])}; expected a finite number.", name);
                }
            }
        }
    }

    /// <summary>Checks a finite square matrix.</summary>
    internal static void FiniteSquareMatrix(double[,]? values, string name)
    {
        FiniteMatrix(values, name);
        int rows = values!.GetLength(0), cols = values.GetLength(1);
        if (rows != cols)
        {
            throw new ArgumentException($"{name} is {rows} x {cols}; expected a square matrix.", name);
        }
    }

    /// <summary>Checks that <paramref name="name"/> has the length of <paramref name="otherName"/>.</summary>
    internal static void SameLength(int length, int expected, string name, string otherName)
    {
        if (length != expected)
        {
            throw new ArgumentException(
                $"{name} has length {length} but {otherName} has length {expected}; expected equal lengths (one value per coordinate).", name);
        }
    }

    /// <summary>Checks that a d x d matrix matches a dimension fixed by another argument.</summary>
    internal static void SquareOfSize(double[,] values, int d, string name, string otherName)
    {
        if (values.GetLength(0) != d || values.GetLength(1) != d)
        {
            throw new ArgumentException(
                $"{name} is {values.GetLength(0)} x {values.GetLength(1)}; expected {d} x {d} to match {otherName}.", name);
        }
    }

    /// <summary>Checks that a matrix has exactly the shape of another.</summary>
    internal static void SameShape(double[,] values, double[,] other, string name, string otherName)
    {
        if (values.GetLength(0) != other.GetLength(0) || values.GetLength(1) != other.GetLength(1))
        {
            throw new ArgumentException(
                $"{name} is {values.GetLength(0)} x {values.GetLength(1)} but {otherName} is {other.GetLength(0)} x {other.GetLength(1)}; expected the same shape.", name);
        }
    }

    /// <summary>Checks a credible-interval level strictly between 0 and 1.</summary>
    internal static void Level(double level, string name)
    {
        if (!(level > 0 && level < 1))
        {
            throw new ArgumentException($"{name} is {Format(level)}; expected a level strictly between 0 and 1 (e.g. 0.9).", name);
        }
    }
}
