using Afin.Laplace;
using Afin.Modelling;
using MathNet.Numerics.Distributions;

namespace Afin.Training;

/// <summary>
/// Draws the user-like tasks of a <see cref="UserTaskMix"/>: a <see cref="UserDesign"/>, a <see cref="UserPrior"/>, a true
/// latent from that prior and the observations, redrawn (latent and observations together) until the labels show the
/// imbalance or separation asked for, and, for some shrinkage tasks, until the data carry a strong signal. Accepting on
/// the data alone conditions on an event of y, so the posterior of every accepted task is still its stated posterior.
/// </summary>
internal sealed class UserTaskSampler
{
    /// <summary>Redraws of (z0, y) before a task is kept whatever its labels: a bound on cost, not on correctness.</summary>
    private const int MaxDraws = 48;

    /// <summary>
    /// How far, in prior scales, a strong signal's mode lies from the prior's centre: the realistic suite's sparse
    /// Student-t regressions have their strongest coefficient's mode 6-21 scales out.
    /// </summary>
    private const double StrongSignalScales = 4;

    /// <summary>Redraws for a task conditioned on a strong signal, which a shrinkage prior's draws give a few times in a hundred.</summary>
    private const int MaxStrongSignalDraws = 96;

    /// <summary>
    /// The signal check needs the mode to a tenth of a prior scale, not to the approximation's 1e-10 sds: a loose
    /// tolerance (1e-6 in squared posterior sds) and a short search keep it a small part of a task's cost.
    /// </summary>
    private static readonly LaplaceOptions SignalCheckSearch = new() { Tolerance = 1e-6, MaxIterations = 40 };

    private readonly Random _rng;
    private readonly UserTaskMix _mix;
    private readonly IReadOnlyList<string> _priorFamilies;
    private readonly Func<string, double[][], double[], ObservationBlock> _simulate;

    /// <param name="rng">The task sampler's generator, shared so that one seed fixes every task.</param>
    /// <param name="mix">The traits.</param>
    /// <param name="priorFamilies">The prior families to draw from.</param>
    /// <param name="simulate">The task sampler's simulator of a block (family, rows, z0), for families drawn as in synthetic tasks.</param>
    internal UserTaskSampler(Random rng, UserTaskMix mix, IReadOnlyList<string> priorFamilies, Func<string, double[][], double[], ObservationBlock> simulate)
    {
        _rng = rng;
        _mix = mix;
        _priorFamilies = priorFamilies;
        _simulate = simulate;
    }

    /// <summary>Draws one task of dimension <paramref name="d"/> whose sites have the families <paramref name="families"/>.</summary>
    internal SimulatedTask Sample(int d, string[] families)
    {
        int sites = families.Length;
        bool logit = families.Any(f => f is "bernoulli_logit" or "binomial_logit");
        bool separation = families.Contains("bernoulli_logit") && _rng.NextDouble() < _mix.SeparationProbability && d >= 2;
        var design = UserDesign.Sample(_rng, _mix, d, Math.Max(sites, 1), separation);
        separation &= design.RareIndicator >= 0;
        double? rareRate = logit && _rng.NextDouble() < _mix.ImbalanceProbability ? LogUniform(_mix.MinPositiveRate, 0.15) : null;
        // Rare negatives as often as rare positives; balanced tasks centre their intercept at rates 0.2-0.8.
        double rate = rareRate ?? 0.2 + 0.6 * _rng.NextDouble();
        double interceptLocation = logit ? Math.Log(rate / (1 - rate)) * (_rng.NextDouble() < 0.5 ? 1 : -1) : 0;
        var prior = UserPrior.Create(_rng, _mix, PriorFamily(out bool shrinkage), design, interceptLocation, shrinkage);
        var groups = families.Distinct().OrderBy(f => f, StringComparer.Ordinal)
            .Select(f => (Family: f, Rows: Enumerable.Range(0, sites).Where(i => families[i] == f).ToArray())).ToArray();
        var rows = groups.Select(g => g.Rows.Select(r => Row(design.X, r)).ToArray()).ToArray();
        // Only heavy tails let strong effects escape the spike (two modes, where Laplace's approximation is furthest off);
        // a Laplace prior's posterior stays log-concave. Without the trait no number is drawn, so older runs draw as before.
        bool strong = prior.Shrinkage && prior.Prior is StudentTPrior && _mix.StrongSignalProbability > 0
            && _rng.NextDouble() < _mix.StrongSignalProbability;
        double[] z0;
        List<ObservationBlock> blocks;
        BayesianProblem? problem;
        bool labelsAsAsked, signalAsAsked = false;
        int attempt = 0;
        do
        {
            z0 = prior.Draw(_rng);
            blocks = groups.Select((g, i) => Simulate(g.Family, rows[i], z0)).ToList();
            labelsAsAsked = (!separation || Separated(blocks, groups, design)) && (rareRate is null || Imbalanced(blocks, rareRate.Value));
            // The label checks cost nothing; the signal check costs a Laplace fit, so it runs only on draws that pass them.
            problem = strong && labelsAsAsked ? BayesianProblem.Create(prior.Prior, blocks, d) : null;
            signalAsAsked = problem is not null && StrongSignal(problem, prior, design.HasIntercept);
        }
        while (++attempt < (strong ? MaxStrongSignalDraws : MaxDraws) && !(labelsAsAsked && (!strong || signalAsAsked)));
        var traits = new TaskTraits(design.Columns, design.Unscaled, prior.Shrinkage, rareRate, separation && Separated(blocks, groups, design), signalAsAsked);
        return new SimulatedTask(problem ?? BayesianProblem.Create(prior.Prior, blocks, d), z0) { Traits = traits };
    }

    /// <summary>
    /// Whether the Laplace mode of some coefficient (the intercept aside) lies at least <see cref="StrongSignalScales"/>
    /// prior scales from the prior's centre: the data, not the prior's spike, decide it.
    /// </summary>
    private bool StrongSignal(BayesianProblem problem, UserPrior prior, bool intercept)
    {
        double[] mode;
        try
        {
            mode = LaplaceApproximation.Compute(problem, SignalCheckSearch).Mode;
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException)
        {
            return false;
        }
        for (int j = intercept ? 1 : 0; j < mode.Length; j++)
        {
            if (Math.Abs(mode[j] - prior.Location[j]) >= StrongSignalScales * prior.Scales[j])
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>The prior family: a shrinkage family (Laplace or Student-t) at the mix's rate where the distribution has one.</summary>
    private string PriorFamily(out bool shrinkage)
    {
        var shrinking = _priorFamilies.Where(f => f is "laplace" or "student_t").ToArray();
        shrinkage = shrinking.Length > 0 && _rng.NextDouble() < _mix.ShrinkageProbability;
        var pool = shrinkage ? shrinking : _priorFamilies;
        return pool[_rng.Next(pool.Count)];
    }

    /// <summary>Heavier-tailed noise and wider trial counts than the synthetic kinds; other families as there.</summary>
    private ObservationBlock Simulate(string family, double[][] rows, double[] z0)
    {
        switch (family)
        {
            case "linear_student_t":
            {
                // Low df puts gross outliers in y at the rate the stated likelihood implies.
                double sigma = Math.Exp(-0.7 * _rng.NextDouble());
                double df = _mix.MinDegreesOfFreedom + (6 - _mix.MinDegreesOfFreedom) * _rng.NextDouble();
                var y = rows.Select(x => Dot(x, z0) + sigma * StudentT.Sample(_rng, 0, 1, df)).ToArray();
                return new LinearStudentTBlock(ToMatrix(rows, z0.Length), y, sigma, df);
            }
            case "binomial_logit":
            {
                var trials = rows.Select(_ => (double)_rng.Next(1, _mix.MaxTrials + 1)).ToArray();
                var y = rows.Select((x, r) => (double)Binomial.Sample(_rng, Modelling.Logistic.Sigmoid(Dot(x, z0)), (int)trials[r])).ToArray();
                return new BinomialLogitBlock(ToMatrix(rows, z0.Length), y, trials);
            }
            default:
                return _simulate(family, rows, z0);
        }
    }

    /// <summary>Every Bernoulli site with the rare indicator set is a positive, and there is at least one.</summary>
    private static bool Separated(List<ObservationBlock> blocks, (string Family, int[] Rows)[] groups, UserDesign design)
    {
        int g = Array.FindIndex(groups, x => x.Family == "bernoulli_logit");
        var block = (BernoulliLogitBlock)blocks[g];
        var flagged = Enumerable.Range(0, groups[g].Rows.Length).Where(i => design.X[groups[g].Rows[i], design.RareIndicator] == 1).ToArray();
        return flagged.Length > 0 && flagged.All(i => block.Y[i] == 1);
    }

    /// <summary>The rarer label of the logit sites is at most twice the target rate (one site's worth of slack).</summary>
    private static bool Imbalanced(List<ObservationBlock> blocks, double target)
    {
        double positives = 0, total = 0;
        foreach (var block in blocks)
        {
            if (block is BernoulliLogitBlock b)
            {
                positives += b.Y.Sum();
                total += b.Count;
            }
            else if (block is BinomialLogitBlock n)
            {
                positives += n.Y.Sum();
                total += n.TotalCount.Sum();
            }
        }
        double rare = Math.Min(positives, total - positives) / total;
        return rare <= 2 * target + 1 / total;
    }

    private double LogUniform(double lo, double hi) => Math.Exp(Math.Log(lo) + _rng.NextDouble() * Math.Log(hi / lo));

    private static double[] Row(double[,] x, int r) => Enumerable.Range(0, x.GetLength(1)).Select(j => x[r, j]).ToArray();

    private static double Dot(double[] x, double[] z) => x.Select((v, i) => v * z[i]).Sum();

    private static double[,] ToMatrix(double[][] rows, int d)
    {
        var x = new double[rows.Length, d];
        for (int r = 0; r < rows.Length; r++)
        {
            for (int j = 0; j < d; j++)
            {
                x[r, j] = rows[r][j];
            }
        }
        return x;
    }
}
