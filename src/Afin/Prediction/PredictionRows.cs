using Afin.Modelling;

namespace Afin.Prediction;

/// <summary>
/// New observations to predict: their design rows, and whatever their family needs beyond them. Each per-row field
/// holds one value per row, or one value for all rows. <see cref="Y"/>, when given, holds their observed values, for
/// scoring predictions (accuracy, log-likelihood, coverage).
/// </summary>
public sealed record PredictionRows
{
    /// <summary>Rows of the design, M x d (for <c>direct_gaussian</c>: the combination of z to predict, e.g. a unit row).</summary>
    public required double[,] X { get; init; }

    /// <summary>Offsets added to x·z (logit and Poisson families; log exposure for counts); default 0.</summary>
    public double[]? Offset { get; init; }

    /// <summary>Trials per row (<c>binomial_logit</c>, required there).</summary>
    public double[]? TotalCount { get; init; }

    /// <summary>Noise scale per row (Gaussian and Student-t families); default: the problem's, when it has one.</summary>
    public double[]? Sigma { get; init; }

    /// <summary>Student-t degrees of freedom per row; default: the problem's, when it has one.</summary>
    public double[]? Df { get; init; }

    /// <summary>Observed values of the rows, or null.</summary>
    public double[]? Y { get; init; }

    /// <summary>The number of rows.</summary>
    public int Count => X.GetLength(0);

    /// <summary>
    /// Checks the rows against the posterior's dimension and the likelihood and fills in every per-row value. Errors name
    /// the field and the row as <c>rows.x[3][1]</c>.
    /// </summary>
    /// <exception cref="ProblemValidationException">A value is missing, of the wrong length, not finite or out of its family's range.</exception>
    internal ResolvedRows Resolve(PredictiveLikelihood likelihood, int dimension)
    {
        ArgumentNullException.ThrowIfNull(likelihood);
        if (X is null)
        {
            throw new ProblemValidationException("rows.x", "required");
        }
        int m = X.GetLength(0);
        if (X.GetLength(1) != dimension)
        {
            throw new ProblemValidationException("rows.x", $"expected rows of {dimension} values (the posterior's dimension), got {X.GetLength(1)}");
        }
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < dimension; j++)
            {
                if (!double.IsFinite(X[i, j]))
                {
                    throw new ProblemValidationException($"rows.x[{i}][{j}]", $"expected a finite number, got {X[i, j]}");
                }
            }
        }
        string family = likelihood.Family;
        var offset = PerRow("offset", Offset, m, 0.0, OffsetFamilies.Contains(family), v => double.IsFinite(v), "a finite number");
        var totalCount = PerRow("total_count", TotalCount, m, null, family == "binomial_logit", v => v >= 0 && v == Math.Floor(v) && v <= 1e6, "a whole number of trials from 0 to 1e6");
        bool noisy = family is "linear_gaussian" or "direct_gaussian" or "linear_student_t";
        var sigma = PerRow("sigma", Sigma, m, likelihood.Sigma, noisy, v => v > 0 && double.IsFinite(v), "a positive finite noise scale");
        var df = PerRow("df", Df, m, likelihood.DegreesOfFreedom, family == "linear_student_t", v => v > 0 && double.IsFinite(v), "positive finite degrees of freedom");
        var y = Y is null ? null : PerRow("y", Y, m, null, true, v => double.IsFinite(v), "a finite number");
        if (y is not null)
        {
            CheckLabels(family, y, totalCount);
        }
        return new ResolvedRows(X, offset, totalCount, sigma, df, y);
    }

    /// <summary>One value per row: the rows' own (one for all, or one each), else the default; null where the family takes none.</summary>
    private static double[] PerRow(string field, double[]? given, int rows, double? fallback, bool used, Func<double, bool> valid, string expected)
    {
        if (!used)
        {
            return given is null ? [] : throw new ProblemValidationException($"rows.{field}", "this family takes no such field");
        }
        if (given is null)
        {
            return fallback is { } value
                ? Enumerable.Repeat(value, rows).ToArray()
                : throw new ProblemValidationException($"rows.{field}", "required for this family (the problem has no single value to inherit)");
        }
        if (given.Length != 1 && given.Length != rows)
        {
            throw new ProblemValidationException($"rows.{field}", $"expected 1 value or one per row ({rows}), got {given.Length}");
        }
        for (int i = 0; i < given.Length; i++)
        {
            if (!valid(given[i]))
            {
                throw new ProblemValidationException(given.Length == 1 ? $"rows.{field}" : $"rows.{field}[{i}]", $"expected {expected}, got {Check.Format(given[i])}");
            }
        }
        return given.Length == rows ? (double[])given.Clone() : Enumerable.Repeat(given[0], rows).ToArray();
    }

    private static void CheckLabels(string family, double[] y, double[] totalCount)
    {
        for (int i = 0; i < y.Length; i++)
        {
            string? expected = family switch
            {
                "bernoulli_logit" when y[i] is not (0 or 1) => "0 or 1",
                "binomial_logit" when !(y[i] >= 0 && y[i] <= totalCount[i] && y[i] == Math.Floor(y[i])) => $"a whole number of successes from 0 to total_count ({Check.Format(totalCount[i])})",
                "poisson_log" when !(y[i] >= 0 && y[i] == Math.Floor(y[i])) => "a whole count >= 0",
                _ => null,
            };
            if (expected is not null)
            {
                throw new ProblemValidationException($"rows.y[{i}]", $"expected {expected} for {family} rows, got {Check.Format(y[i])}");
            }
        }
    }
}

/// <summary>New rows with every per-row value filled in (arrays the family does not use are empty).</summary>
internal sealed record ResolvedRows(double[,] X, double[] Offset, double[] TotalCount, double[] Sigma, double[] Df, double[]? Y)
{
    public int Count => X.GetLength(0);

    public double OffsetOf(int row) => Offset.Length == 0 ? 0 : Offset[row];
}
