using System.Runtime.CompilerServices;
namespace Afin.Modelling;

/// <summary>
/// A block whose factors depend on z only through the linear predictor eta_n = x_n . z + o_n. Keeps the
/// design matrix row-major so the log-likelihood loop walks memory in order.
/// </summary>
/// <remarks>
/// The offset o_n is a known term of the predictor. Only the logit and Poisson families take one publicly: a Gaussian or
/// Student-t user can subtract it from y instead, but a label or a count cannot absorb it.
/// </remarks>
public abstract class LinearBlock : ObservationBlock
{
    /// <param name="x">The N x d design.</param>
    /// <param name="y">The N observations.</param>
    /// <param name="offset">The offsets o_n (length 1 or N), or null for a family without one (o_n = 0).</param>
    private protected LinearBlock(double[,] x, double[] y, double[]? offset = null)
    {
        ArgumentNullException.ThrowIfNull(x);
        Y = y ?? throw new ArgumentNullException(nameof(y));
        Rows = x.GetLength(0);
        Columns = x.GetLength(1);
        Design = Matrix.ToRowMajor(x);
        PredictorOffset = offset;
    }

    /// <summary>The observed values, one per row.</summary>
    public double[] Y { get; }

    /// <summary>
    /// Observation weights w_n ≥ 0 (length 1 or N), or null for all 1: row n's log-likelihood counts w_n times, so a
    /// weight of 2 is the row observed twice and 0 leaves it out. The AFIN network was trained on unweighted rows and
    /// refuses weighted problems; every other method (exact, Laplace, importance sampling, NUTS) takes them.
    /// </summary>
    public double[]? Weight { get; init; }

    /// <summary>The row's weight (1 when the block has none).</summary>
    internal double WeightOf(int n) => Weight is { } w ? w[n] : 1.0;

    /// <summary>The design matrix as an N x d array (a copy).</summary>
    public double[,] X => Matrix.FromRowMajor(Design, Rows, Columns);

    /// <inheritdoc />
    public override int Count => Y.Length;

    /// <summary>Row n of the design matrix.</summary>
    public ReadOnlySpan<double> Row(int n) => Design.AsSpan(n * Columns, Columns);

    internal int Rows { get; }

    internal int Columns { get; }

    /// <summary>The design matrix, row-major.</summary>
    internal double[] Design { get; }

    /// <summary>
    /// The offsets o_n added to x_n . z: length 1 (broadcast) or N before <see cref="ObservationBlock.Resolve"/>, N after;
    /// null for a family that takes none, so that its predictor costs no extra addition.
    /// </summary>
    private protected double[]? PredictorOffset { get; }

    /// <summary>The predictor x_n · z + o_n of row <paramref name="n"/> (of a resolved block).</summary>
    internal double Predictor(int n, ReadOnlySpan<double> z) => Matrix.Dot(Row(n), z) + (PredictorOffset is { } offset ? offset[n] : 0);

    internal override DimensionEvidence? ImpliedDimension => Rows > 0 ? DimensionEvidence.Columns("x", Columns) : null;

    /// <summary>Checks the shape and finiteness of x and y; derived families add their own label checks.</summary>
    private protected void CheckDesign(int index, int d)
    {
        if (Rows != Y.Length)
        {
            throw new ProblemValidationException(PathOf(index, "x"), $"expected {Y.Length} rows (one per entry of y), got {Rows}");
        }
        if (Rows > 0 && Columns != d)
        {
            throw new ProblemValidationException(PathOf(index, "x"), $"expected rows of length d = {d}, got {Columns}");
        }
        for (int n = 0; n < Rows; n++)
        {
            Check.Finite(PathOf(index, $"x[{n}]"), Row(n));
        }
        Check.Finite(PathOf(index, "y"), Y);
    }

    /// <summary>
    /// The design rows and offsets within <see cref="NumericLimits.MaxMagnitude"/>. y is left to the families: labels and
    /// counts are bounded by their own, tighter checks, and the real-valued families check it with <see cref="CheckResponse"/>.
    /// </summary>
    internal override void CheckLimits(int index)
    {
        for (int n = 0; n < Rows; n++)
        {
            Check.Magnitude(PathOf(index, $"x[{n}]"), Row(n));
        }
        if (PredictorOffset is { } offset)
        {
            Check.Magnitude(PathOf(index, "offset"), offset);
        }
    }

    /// <summary>Checks that y, a real-valued response the family squares, lies within <see cref="NumericLimits.MaxMagnitude"/>.</summary>
    private protected void CheckResponse(int index) => Check.Magnitude(PathOf(index, "y"), Y);

    /// <summary>Validates the offsets and expands a scalar to one per row; the path names the JSON field, <c>offset</c>.</summary>
    private protected double[] ResolvedOffset(int index) =>
        ResolvePerRow(index, "offset", PredictorOffset ?? throw new InvalidOperationException($"{Family} takes no offset"), positive: false);

    /// <summary>Validates the weights (finite and ≥ 0) and expands a scalar to one per row; null stays null.</summary>
    private protected double[]? ResolvedWeight(int index)
    {
        if (Weight is null)
        {
            return null;
        }
        var resolved = ResolvePerRow(index, "weight", Weight, positive: false);
        for (int n = 0; n < resolved.Length; n++)
        {
            if (!(resolved[n] >= 0))
            {
                throw new ProblemValidationException(PathOf(index, Weight.Length == 1 ? "weight" : $"weight[{n}]"), $"expected a weight >= 0, got {Check.Format(resolved[n])}");
            }
        }
        return resolved;
    }

    /// <summary>The design with an explicit d columns even when there are no rows.</summary>
    private protected double[,] ResolvedX(int d) => Rows == 0 ? new double[0, d] : X;

    // Vector<T> code is not precompiled (its width is the machine's), and unoptimised it is many times slower:
    // compile it optimised at first call, so a one-problem process does not pay for the warm-up.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal override double AddLogLikelihood(ReadOnlySpan<double> z, Span<double> gradient)
    {
        double logLik = 0;
        var design = Design.AsSpan();
        var offset = PredictorOffset;
        var weight = Weight;
        int d = z.Length;
        for (int n = 0; n < Rows; n++)
        {
            var x = design.Slice(n * d, d);
            double eta = Matrix.Dot(x, z);
            if (offset is not null)
            {
                // Resolved blocks hold one offset per row; the offset shifts eta, so dEta is unchanged.
                eta += offset[n];
            }
            double factor = LogFactor(n, eta, out double dEta);
            if (weight is not null)
            {
                if (weight[n] == 0)
                {
                    continue;   // a left-out row adds nothing, not even 0 x a non-finite factor
                }
                factor *= weight[n];
                dEta *= weight[n];
            }
            logLik += factor;
            Matrix.AddScaled(gradient, dEta, x);
        }
        return logLik;
    }

    /// <summary>
    /// The log likelihood at many points from the transposed design: each point's predictors come from one pass over the
    /// design's columns, vectorised along the rows, and no gradient is formed. For N = 400 and d = 24 this is several
    /// times faster than a row-by-row dot product per point.
    /// </summary>
    internal override void AddLogLikelihoods(ReadOnlySpan<double> points, int count, Span<double> logDensities)
    {
        if (Rows == 0 || count == 0)
        {
            return;
        }
        int d = Columns;
        var columns = DesignByColumn;
        var eta = new double[Rows];
        for (int b = 0; b < count; b++)
        {
            LinearPredictors.Compute(columns, Rows, points.Slice(b * d, d), PredictorOffset, eta);
            logDensities[b] += SumLogFactors(eta);
        }
    }

    /// <summary>
    /// Σ_n w_n log f_n(eta_n) over the rows, values only; rows of weight 0 add nothing, as in <see cref="AddLogLikelihood"/>.
    /// The logit families override it with a sum that forms no gradient.
    /// </summary>
    private protected virtual double SumLogFactors(ReadOnlySpan<double> eta)
    {
        var weight = Weight;
        double logLik = 0;
        for (int n = 0; n < eta.Length; n++)
        {
            if (weight is not null && weight[n] == 0)
            {
                continue;
            }
            double factor = LogFactor(n, eta[n], out _);
            logLik += weight is null ? factor : factor * weight[n];
        }
        return logLik;
    }

    private double[]? _designByColumn;

    /// <summary>The design transposed (d x N, row-major), made on first use; two threads racing make equal copies.</summary>
    private double[] DesignByColumn => _designByColumn ??= Matrix.Transpose(Design, Rows, Columns);

    /// <summary>Adds w_n x_n x_n^T for every row, w_n the factor's curvature in eta; the lower triangle only, row by row.</summary>
    internal override void AddCurvature(ReadOnlySpan<double> z, Span<double> curvature, CurvatureKind kind)
    {
        var design = Design.AsSpan();
        int d = z.Length;
        for (int n = 0; n < Rows; n++)
        {
            var x = design.Slice(n * d, d);
            double eta = Matrix.Dot(x, z) + (PredictorOffset is { } offset ? offset[n] : 0);
            double w = WeightOf(n) == 0 ? 0 : WeightOf(n) * Curvature(n, eta, kind);
            if (w == 0)
            {
                continue;
            }
            for (int i = 0; i < d; i++)
            {
                Matrix.AddScaled(curvature.Slice(i * d, i + 1), w * x[i], x[..(i + 1)]);
            }
        }
    }

    internal override (int Row, string Detail)? FirstNonFiniteRow(ReadOnlySpan<double> z)
    {
        for (int n = 0; n < Rows; n++)
        {
            var x = Row(n);
            double eta = Matrix.Dot(x, z) + (PredictorOffset is { } offset ? offset[n] : 0);
            double logFactor = LogFactor(n, eta, out double dEta);
            double largest = 0;
            foreach (double v in x)
            {
                largest = Math.Max(largest, Math.Abs(v));
            }
            if (!double.IsFinite(logFactor) || !double.IsFinite(dEta * largest) || !double.IsFinite(Curvature(n, eta, CurvatureKind.Observed) * largest * largest))
            {
                string predictor = PredictorOffset is null ? $"x[{n}]·z" : $"x[{n}]·z + offset[{n}]";
                return (n, $"its linear predictor {predictor} is {Check.Format(eta)}");
            }
        }
        return null;
    }

    /// <summary>log p(y_n | eta) and its derivative with respect to eta.</summary>
    private protected abstract double LogFactor(int n, double eta, out double dEta);

    /// <summary>-d²/d eta² log p(y_n | eta), or the factor's Fisher information in eta for <see cref="CurvatureKind.Expected"/>.</summary>
    private protected abstract double Curvature(int n, double eta, CurvatureKind kind);
}
