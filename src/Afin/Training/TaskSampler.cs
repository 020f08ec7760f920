using Afin.Modelling;
using MathNet.Numerics.Distributions;
using MathNet.Numerics.LinearAlgebra;

namespace Afin.Training;

/// <summary>
/// Draws training tasks from a <see cref="TaskDistribution"/>: a (d, N) per micro-batch, then per
/// task a prior, a true z0 from it, a design matrix, likelihood families and simulated observations.
/// Deterministic for a seed.
/// </summary>
public sealed class TaskSampler
{
    private readonly TaskDistribution _distribution;
    private readonly Random _rng;
    private readonly (int D, int N)[] _grid;
    private readonly double[] _hardWeights;
    private readonly UserTaskSampler? _user;

    /// <summary>Creates a sampler; the same distribution and seed give the same sequence of tasks.</summary>
    public TaskSampler(TaskDistribution distribution, int seed)
    {
        ArgumentNullException.ThrowIfNull(distribution);
        distribution.Validate();
        _distribution = distribution;
        _rng = new Random(seed);
        _grid = (from d in Enumerable.Range(distribution.MinDimension, distribution.MaxDimension - distribution.MinDimension + 1)
                 from n in Enumerable.Range(distribution.MinSites, distribution.MaxSites - distribution.MinSites + 1)
                 select (d, n)).ToArray();
        // Hard cases: large d with few sites, where the posterior is far from the likelihood's
        // information and amortisation errors are largest (weight ~ d * N^-0.75 as in the reference).
        int span = distribution.MaxDimension - distribution.MinDimension + 1;
        _hardWeights = _grid.Select(g => (double)(g.D - distribution.MinDimension + 1) / span * Math.Pow(Math.Max(1.0, distribution.MinSites) / Math.Max(1, g.N), 0.75)).ToArray();
        if (distribution.UserTasks is { } mix)
        {
            _user = new UserTaskSampler(_rng, mix, distribution.PriorFamilies, SimulateBlock);
        }
    }

    /// <summary>Draws a (d, N) pair: uniform, or biased to hard cases with the configured probability.</summary>
    public (int Dimension, int Sites) SampleShape()
    {
        if (_rng.NextDouble() < _distribution.HardCaseProbability)
        {
            return _grid[Categorical.Sample(_rng, _hardWeights)];
        }
        return _grid[_rng.Next(_grid.Length)];
    }

    /// <summary>Draws <paramref name="count"/> tasks that share one (d, N), as a training micro-batch.</summary>
    public IReadOnlyList<SimulatedTask> SampleBatch(int count)
    {
        var (d, n) = SampleShape();
        return Enumerable.Range(0, count).Select(_ => SampleTask(d, n)).ToArray();
    }

    /// <summary>Draws one task of dimension <paramref name="d"/> with <paramref name="sites"/> likelihood sites.</summary>
    public SimulatedTask SampleTask(int d, int sites)
    {
        // Only a distribution with user-like tasks draws this number: without them the stream of random numbers, and so
        // every task of the checkpoints trained before they existed, stays as it was.
        if (_user is not null && _rng.NextDouble() < _distribution.UserTasks!.Probability)
        {
            return _user.Sample(d, SampleSiteFamilies(sites));
        }
        var (prior, z0) = SamplePrior(d);
        var families = SampleSiteFamilies(sites);
        var x = SampleDesign(d, sites);
        var blocks = new List<ObservationBlock>();
        foreach (var family in families.Distinct().OrderBy(f => f, StringComparer.Ordinal))
        {
            var rows = Enumerable.Range(0, sites).Where(i => families[i] == family).ToArray();
            blocks.Add(SimulateBlock(family, rows.Select(r => x.Row(r).ToArray()).ToArray(), z0));
        }
        return new SimulatedTask(BayesianProblem.Create(prior, blocks, d), z0);
    }

    private double Uniform(double lo, double hi) => lo + (hi - lo) * _rng.NextDouble();

    private double StandardNormal() => Normal.Sample(_rng, 0, 1);

    /// <summary>A prior of a random family with random parameters, and z0 drawn from it.</summary>
    private (Prior Prior, double[] Z0) SamplePrior(int d)
    {
        var prior = SamplePriorFamily(d);
        return (prior, ProblemSimulator.DrawPrior(prior.Resolve(d), _rng));
    }

    private Prior SamplePriorFamily(int d)
    {
        string family = _distribution.PriorFamilies[_rng.Next(_distribution.PriorFamilies.Count)];
        var loc = Enumerable.Range(0, d).Select(_ => 0.45 * StandardNormal()).ToArray();
        switch (family)
        {
            case "gaussian":
                return new GaussianPrior(loc, Enumerable.Range(0, d).Select(_ => Math.Exp(Uniform(-0.8, 0))).ToArray());
            case "full_rank_gaussian":
            {
                var m = Matrix<double>.Build.Dense(d, d, (_, _) => 0.3 * StandardNormal());
                var precision = m * m.Transpose() / d + 0.5 * Matrix<double>.Build.DenseIdentity(d);
                return new FullRankGaussianPrior(loc, (0.5 * (precision + precision.Transpose())).ToArray());
            }
            case "student_t":
            {
                var scale = Enumerable.Range(0, d).Select(_ => Math.Exp(Uniform(-0.7, 0))).ToArray();
                return new StudentTPrior(loc, scale, [Uniform(3, 8)]);
            }
            case "laplace":
                return new LaplacePrior(loc, Enumerable.Range(0, d).Select(_ => Math.Exp(Uniform(-1, -0.05))).ToArray());
            default:
                throw new InvalidOperationException($"unknown prior family {family}");
        }
    }

    private string[] SampleSiteFamilies(int sites)
    {
        var all = _distribution.LikelihoodFamilies;
        if (sites <= 1 || all.Count == 1 || _rng.NextDouble() >= _distribution.HeterogeneousProbability)
        {
            string only = all[_rng.Next(all.Count)];
            return Enumerable.Repeat(only, sites).ToArray();
        }
        int kMax = Math.Min(all.Count, sites);
        int k = 2 + Categorical.Sample(_rng, Enumerable.Range(2, kMax - 1).Select(j => Math.Exp(-(j - 2.0))).ToArray());
        var chosen = all.OrderBy(_ => _rng.Next()).Take(k).ToArray();
        var weights = Dirichlet.Sample(_rng, Enumerable.Repeat(0.5, k).ToArray());
        // Every chosen family appears at least once; the rest follow the Dirichlet mixture.
        var families = chosen.Concat(Enumerable.Range(0, sites - k).Select(_ => chosen[Categorical.Sample(_rng, weights)])).ToArray();
        return families.OrderBy(_ => _rng.Next()).ToArray();
    }

    private Matrix<double> SampleDesign(int d, int sites)
    {
        double scale = 0.9 / Math.Sqrt(d);
        var g = Matrix<double>.Build.Dense(Math.Max(sites, 1), d, (_, _) => scale * StandardNormal());
        int kind = d == 1 ? 0 : Categorical.Sample(_rng, _distribution.DesignKindProbabilities.ToArray());
        if (kind == 0)
        {
            return g;
        }
        // A log-spectrum with condition number up to MaxConditionNumber, normalised to sum d.
        double logKappa = Uniform(0, Math.Log(_distribution.MaxConditionNumber));
        var lambda = Enumerable.Range(0, d).Select(_ => Math.Exp(-0.5 * logKappa + _rng.NextDouble() * logKappa)).ToArray();
        double total = lambda.Sum();
        var root = Vector<double>.Build.Dense(lambda.Select(v => Math.Sqrt(v * d / total)).ToArray());
        if (kind == 1)
        {
            return g * Matrix<double>.Build.DiagonalOfDiagonalVector(root);
        }
        var qr = Matrix<double>.Build.Dense(d, d, (_, _) => StandardNormal()).QR();
        var q = qr.Q * Matrix<double>.Build.DiagonalOfDiagonalVector(qr.R.Diagonal().Map(v => v >= 0 ? 1.0 : -1.0));
        var x = g * Matrix<double>.Build.DiagonalOfDiagonalVector(root) * q.Transpose();
        if (kind == 3)
        {
            // Multivariate-t rows: heavy tails with the same scale.
            double nu = Uniform(5, 12);
            for (int r = 0; r < x.RowCount; r++)
            {
                x.SetRow(r, x.Row(r) * Math.Sqrt((nu - 2) / ChiSquared.Sample(_rng, nu)));
            }
        }
        return x;
    }

    private ObservationBlock SimulateBlock(string family, double[][] rows, double[] z0)
    {
        int n = rows.Length, d = z0.Length;
        var x = new double[n, d];
        var eta = new double[n];
        for (int r = 0; r < n; r++)
        {
            for (int i = 0; i < d; i++)
            {
                x[r, i] = rows[r][i];
                eta[r] += rows[r][i] * z0[i];
            }
        }
        switch (family)
        {
            case "linear_gaussian":
            {
                double sigma = Math.Exp(Uniform(-0.8, -0.05));
                return new LinearGaussianBlock(x, eta.Select(e => e + sigma * StandardNormal()).ToArray(), sigma);
            }
            case "direct_gaussian":
            {
                double sigma = Math.Exp(Uniform(-0.8, -0.05));
                var y = new double[n, d];
                for (int r = 0; r < n; r++)
                {
                    for (int i = 0; i < d; i++)
                    {
                        y[r, i] = z0[i] + sigma * StandardNormal();
                    }
                }
                return new DirectGaussianBlock(y, sigma);
            }
            case "linear_student_t":
            {
                double sigma = Math.Exp(Uniform(-0.7, 0));
                double df = Uniform(3.5, 8);
                return new LinearStudentTBlock(x, eta.Select(e => e + sigma * StudentT.Sample(_rng, 0, 1, df)).ToArray(), sigma, df);
            }
            case "bernoulli_logit":
                return new BernoulliLogitBlock(x, eta.Select(e => _rng.NextDouble() < Afin.Modelling.Logistic.Sigmoid(e) ? 1.0 : 0.0).ToArray());
            case "binomial_logit":
            {
                var total = Enumerable.Range(0, n).Select(_ => (double)_rng.Next(2, 9)).ToArray();
                var y = eta.Select((e, r) => (double)Binomial.Sample(_rng, Afin.Modelling.Logistic.Sigmoid(e), (int)total[r])).ToArray();
                return new BinomialLogitBlock(x, y, total);
            }
            case "poisson_log":
            {
                // Offsets are log exposures (U(0.5, 2) per row) on a block's log base rate U(-1, 2.5), so most mean counts
                // range from under 1 to tens. Counts come from the stated rate whatever it is: clipping it (as an earlier
                // version did at 1000) makes the data disagree with the likelihood the problem states, and the network
                // then learns a posterior hundreds of Laplace sds away from the truth it is scored on.
                double baseRate = Uniform(-1, 2.5);
                var offset = Enumerable.Range(0, n).Select(_ => baseRate + Math.Log(Uniform(0.5, 2))).ToArray();
                var y = eta.Select((e, r) => ProblemSimulator.PoissonCount(_rng, Math.Exp(e + offset[r]))).ToArray();
                return new PoissonLogBlock(x, y, offset);
            }
            default:
                throw new InvalidOperationException($"unknown likelihood family {family}");
        }
    }
}
