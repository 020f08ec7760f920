using Afin.Modelling;
using MathNet.Numerics.Distributions;
using MathNet.Numerics.LinearAlgebra;

namespace Afin.Training;

/// <summary>
/// The prior of a user-like task and a way to draw the true latent from it. Coefficients get zero-centred priors whose
/// sd is set per unit of their column's spread, so that the linear predictor (without intercept) has the drawn signal
/// sd; the intercept gets its own, wider prior, centred at the logit of a target rate for imbalanced logit tasks.
/// </summary>
internal sealed class UserPrior
{
    private readonly Func<Random, double[]> _draw;

    private UserPrior(Prior prior, Func<Random, double[]> draw, bool shrinkage, double[] location, double[] scales)
    {
        Prior = prior;
        _draw = draw;
        Shrinkage = shrinkage;
        Location = location;
        Scales = scales;
    }

    /// <summary>The prior the problem states.</summary>
    internal Prior Prior { get; }

    /// <summary>Whether it is a shrinkage prior.</summary>
    internal bool Shrinkage { get; }

    /// <summary>The prior's centre per coordinate.</summary>
    internal double[] Location { get; }

    /// <summary>The prior's scale per coordinate: a Gaussian's sd, a Laplace's b, a Student-t's scale.</summary>
    internal double[] Scales { get; }

    /// <summary>Draws a true latent from <see cref="Prior"/>.</summary>
    internal double[] Draw(Random rng) => _draw(rng);

    /// <summary>Builds the prior of family <paramref name="family"/> for <paramref name="design"/>.</summary>
    /// <param name="rng">The task sampler's generator.</param>
    /// <param name="mix">The traits: signal range, shrinkage tails.</param>
    /// <param name="family">The prior family's JSON name.</param>
    /// <param name="design">The design, whose column spreads set the coefficient scales.</param>
    /// <param name="interceptLocation">The intercept prior's location (a logit for logit tasks).</param>
    /// <param name="shrinkage">Whether to shrink: scales cut to 10-40% and, for Student-t, heavy tails.</param>
    internal static UserPrior Create(Random rng, UserTaskMix mix, string family, UserDesign design, double interceptLocation, bool shrinkage)
    {
        int d = design.Columns.Length;
        int coefficients = d - (design.HasIntercept ? 1 : 0);
        double signal = LogUniform(rng, mix.SignalRange[0], mix.SignalRange[1]);
        // Independent zero-mean coefficients with sd_j = kappa / spread_j give Var(x.z) = coefficients * kappa^2.
        double kappa = signal / Math.Sqrt(Math.Max(coefficients, 1)) * (shrinkage ? 0.1 + 0.3 * rng.NextDouble() : 1);
        var sd = design.Spreads.Select(s => kappa / s).ToArray();
        var loc = new double[d];
        if (design.HasIntercept)
        {
            sd[0] = LogUniform(rng, 0.5, 3);
            loc[0] = interceptLocation;
        }
        var prior = family switch
        {
            "gaussian" => Gaussian(loc, sd),
            "laplace" => Laplace(loc, sd),
            "student_t" => StudentT(rng, mix, loc, sd, shrinkage, design.HasIntercept),
            "full_rank_gaussian" => FullRank(rng, loc, sd),
            _ => throw new InvalidOperationException($"unknown prior family {family}"),
        };
        return new UserPrior(prior.Prior, prior.Draw, shrinkage, loc, ScalesOf(prior.Prior, sd));
    }

    private static double[] ScalesOf(Prior prior, double[] sd) => prior switch
    {
        LaplacePrior laplace => laplace.Scale.ToArray(),
        StudentTPrior t => t.Scale.ToArray(),
        _ => sd,
    };

    private static double LogUniform(Random rng, double lo, double hi) => Math.Exp(Math.Log(lo) + rng.NextDouble() * Math.Log(hi / lo));

    private static (Prior Prior, Func<Random, double[]> Draw) Gaussian(double[] loc, double[] sd) =>
        (new GaussianPrior(loc, sd), rng => loc.Select((m, i) => m + sd[i] * Normal.Sample(rng, 0, 1)).ToArray());

    private static (Prior Prior, Func<Random, double[]> Draw) Laplace(double[] loc, double[] sd)
    {
        // A Laplace(b) has sd b sqrt 2.
        var b = sd.Select(s => s / Math.Sqrt(2)).ToArray();
        return (new LaplacePrior(loc, b), rng => loc.Select((m, i) => m + MathNet.Numerics.Distributions.Laplace.Sample(rng, 0, b[i])).ToArray());
    }

    private static (Prior Prior, Func<Random, double[]> Draw) StudentT(Random rng, UserTaskMix mix, double[] loc, double[] sd, bool shrinkage, bool intercept)
    {
        // Shrinkage priors take heavy tails (df from the mix's minimum to 4), so most true coefficients are near zero and
        // a few are large: a sparse truth drawn from the stated prior. The intercept keeps a mild df.
        var df = loc.Select((_, i) => intercept && i == 0 ? 7 : shrinkage ? mix.MinDegreesOfFreedom + (4 - mix.MinDegreesOfFreedom) * rng.NextDouble() : 3 + 5 * rng.NextDouble()).ToArray();
        // The t's sd is scale sqrt(df / (df - 2)); near df 2 and below it is undefined, so the scale is then sd / 2.
        var scale = sd.Select((s, i) => df[i] > 2.5 ? s * Math.Sqrt((df[i] - 2) / df[i]) : s / 2).ToArray();
        return (new StudentTPrior(loc, scale, df), r => loc.Select((m, i) => m + scale[i] * MathNet.Numerics.Distributions.StudentT.Sample(r, 0, 1, df[i])).ToArray());
    }

    /// <summary>A Gaussian with these marginal sds and a random correlation (the synthetic sampler's precision, normalised).</summary>
    private static (Prior Prior, Func<Random, double[]> Draw) FullRank(Random rng, double[] loc, double[] sd)
    {
        int d = loc.Length;
        var m = Matrix<double>.Build.Dense(d, d, (_, _) => 0.3 * Normal.Sample(rng, 0, 1));
        var covariance = (m * m.Transpose() / d + 0.5 * Matrix<double>.Build.DenseIdentity(d)).Inverse();
        var scaling = Matrix<double>.Build.DiagonalOfDiagonalArray(Enumerable.Range(0, d).Select(i => sd[i] / Math.Sqrt(covariance[i, i])).ToArray());
        covariance = scaling * covariance * scaling;
        covariance = 0.5 * (covariance + covariance.Transpose());
        var precision = covariance.Inverse();
        precision = 0.5 * (precision + precision.Transpose());
        var factor = covariance.Cholesky().Factor;
        return (new FullRankGaussianPrior(loc, precision.ToArray()), r =>
        {
            var z = factor * Vector<double>.Build.Dense(d, _ => Normal.Sample(r, 0, 1));
            return loc.Select((v, i) => v + z[i]).ToArray();
        });
    }
}
