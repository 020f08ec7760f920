using Afin.Laplace;
using Afin.Modelling;
using MathNet.Numerics.Distributions;

namespace Afin.Training;

/// <summary>
/// The region where a problem's posterior lives: the ellipsoid ‖C^T (z - m)‖ &lt;= radius around its Laplace mode m
/// (H = C Cᵀ its precision), and draws from the problem's prior restricted to it. Fine-tuning draws true latents there
/// instead of from the whole prior (truncated-prior training, as TSNPE, Deistler et al. 2022): the posterior of any data
/// whose posterior lies inside the region is unchanged by the truncation, so the network still learns the exact target
/// for the user's own data, while the simulated data look like them instead of like the prior's extremes.
/// </summary>
internal sealed class PosteriorRegion
{
    private const int MaxAttempts = 1000;

    private readonly Prior _prior;
    private readonly double[] _mode;
    private readonly double[] _factor;
    private readonly double _radius;
    private readonly double _logPriorMax;

    /// <param name="problem">The problem (resolved).</param>
    /// <param name="scale">The radius in whitened units per (√d + 3), the radius that holds all but a few thousandths of a Gaussian posterior's mass.</param>
    internal PosteriorRegion(BayesianProblem problem, double scale)
    {
        var laplace = LaplaceApproximation.Compute(problem);
        _prior = problem.Prior;
        _mode = laplace.Mode;
        _factor = laplace.PrecisionFactor.ToArray();
        int d = _mode.Length;
        _radius = scale * (Math.Sqrt(d) + 3);
        // Every prior family has its density's maximum at its location, so p(z) / p(loc) <= 1 is an acceptance probability.
        _logPriorMax = LogPrior(_prior.Loc);
    }

    /// <summary>
    /// A draw from the prior restricted to the region, by rejection from the uniform distribution on the ellipsoid. If
    /// the prior's density is too small over the whole region for a draw to be accepted in <see cref="MaxAttempts"/>
    /// tries, the last proposal is returned: the region then holds far less than any prior mass and is uniform to
    /// within the prior's variation across it.
    /// </summary>
    internal double[] Draw(Random rng)
    {
        double[] z = [];
        for (int attempt = 0; attempt < MaxAttempts; attempt++)
        {
            z = Uniform(rng);
            if (Math.Log(rng.NextDouble()) <= LogPrior(z) - _logPriorMax)
            {
                break;
            }
        }
        return z;
    }

    /// <summary>m + C⁻ᵀ u for u uniform in the ball of the region's radius.</summary>
    private double[] Uniform(Random rng)
    {
        int d = _mode.Length;
        var u = Enumerable.Range(0, d).Select(_ => Normal.Sample(rng, 0, 1)).ToArray();
        double norm = Math.Sqrt(u.Sum(v => v * v));
        double radius = _radius * Math.Pow(rng.NextDouble(), 1.0 / d);
        for (int i = 0; i < d; i++)
        {
            u[i] *= radius / norm;
        }
        // Solve Cᵀ x = u by back substitution (C lower triangular, row-major).
        var x = new double[d];
        for (int i = d - 1; i >= 0; i--)
        {
            double sum = u[i];
            for (int k = i + 1; k < d; k++)
            {
                sum -= _factor[k * d + i] * x[k];
            }
            x[i] = sum / _factor[i * d + i];
        }
        return x.Select((v, i) => _mode[i] + v).ToArray();
    }

    private double LogPrior(double[] z) => _prior.AddLogDensity(z, new double[z.Length]);
}
