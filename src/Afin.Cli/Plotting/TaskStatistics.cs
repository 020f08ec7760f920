using Afin.Modelling;
using Afin.Training;
using MathNet.Numerics.LinearAlgebra;

namespace Afin.Cli.Plotting;

/// <summary>
/// What the tasks of a <see cref="TaskDistribution"/> look like, measured on a sample of its tasks: shapes, label
/// rates, how unequal and how correlated design columns are, what the columns hold, how wide the priors are and how
/// far the data pull a Student-t prior's coefficients.
/// </summary>
internal sealed class TaskStatistics
{
    private static readonly DesignColumnKind[] KindOrder =
        [DesignColumnKind.Intercept, DesignColumnKind.Continuous, DesignColumnKind.Binary, DesignColumnKind.OneHot, DesignColumnKind.Count];

    /// <summary>d per task.</summary>
    internal List<double> Dimension { get; } = [];

    /// <summary>N per task.</summary>
    internal List<double> Sites { get; } = [];

    /// <summary>Share of positives (successes over trials) of each task with logit sites.</summary>
    internal List<double> PositiveRate { get; } = [];

    /// <summary>log10 of the largest over the smallest sd of a task's non-constant design columns.</summary>
    internal List<double> ScaleSpread { get; } = [];

    /// <summary>log10 of the condition number of the correlation matrix of a task's non-constant design columns.</summary>
    internal List<double> Condition { get; } = [];

    /// <summary>log10 of each prior coordinate's scale (a full-rank Gaussian's marginal sd).</summary>
    internal List<double> PriorScale { get; } = [];

    /// <summary>
    /// For each task with a Student-t prior, log10 of how far its data pull a coefficient from the prior: the largest
    /// |mode - centre| / scale over the coordinates (the intercept aside), at the Laplace mode.
    /// </summary>
    internal List<double> StudentTPull { get; } = [];

    /// <summary>Design columns of each kind (synthetic designs count as continuous), in <see cref="Kinds"/> order.</summary>
    internal double[] ColumnCounts { get; } = new double[KindOrder.Length];

    /// <summary>The column kinds, in the order of <see cref="ColumnCounts"/>.</summary>
    internal static IReadOnlyList<DesignColumnKind> Kinds => KindOrder;

    /// <summary>Measures <paramref name="count"/> tasks, each of a micro-batch of its own (so shapes vary as in training).</summary>
    internal static TaskStatistics Measure(TaskDistribution distribution, int count, int seed)
    {
        var statistics = new TaskStatistics();
        var sampler = new TaskSampler(distribution, seed);
        for (int i = 0; i < count; i++)
        {
            statistics.Add(sampler.SampleBatch(1)[0]);
        }
        return statistics;
    }

    private void Add(SimulatedTask task)
    {
        var problem = task.Problem;
        Dimension.Add(problem.Dimension);
        Sites.Add(problem.ObservationCount);
        AddRate(problem.Blocks);
        AddPriorScales(problem.Prior);
        var kinds = task.Traits?.Columns ?? Enumerable.Repeat(DesignColumnKind.Continuous, problem.Dimension).ToArray();
        if (problem.Prior is StudentTPrior t)
        {
            AddPull(problem, t, kinds);
        }
        if (problem.Blocks.OfType<LinearBlock>().Any())
        {
            foreach (var kind in kinds)
            {
                ColumnCounts[Array.IndexOf(KindOrder, kind)]++;
            }
            AddDesign(problem.Blocks.OfType<LinearBlock>().ToArray());
        }
    }

    private void AddRate(IReadOnlyList<ObservationBlock> blocks)
    {
        double positives = 0, trials = 0;
        foreach (var block in blocks)
        {
            if (block is BernoulliLogitBlock b)
            {
                positives += b.Y.Sum();
                trials += b.Count;
            }
            else if (block is BinomialLogitBlock n)
            {
                positives += n.Y.Sum();
                trials += Enumerable.Range(0, n.Count).Sum(i => n.TotalCount[n.TotalCount.Length == 1 ? 0 : i]);
            }
        }
        if (trials > 0)
        {
            PositiveRate.Add(positives / trials);
        }
    }

    private void AddPriorScales(Prior prior)
    {
        double[] scales = prior switch
        {
            GaussianPrior g => g.Scale,
            StudentTPrior t => t.Scale,
            LaplacePrior l => l.Scale,
            FullRankGaussianPrior f => Matrix<double>.Build.DenseOfArray(f.Precision).Inverse().Diagonal().Select(Math.Sqrt).ToArray(),
            _ => [],
        };
        PriorScale.AddRange(scales.Select(Math.Log10));
    }

    private void AddPull(BayesianProblem problem, StudentTPrior prior, IReadOnlyList<DesignColumnKind> kinds)
    {
        double[] mode;
        try
        {
            mode = Laplace.LaplaceApproximation.Compute(problem).Mode;
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException)
        {
            return;
        }
        double pull = Enumerable.Range(0, mode.Length).Where(j => kinds[j] != DesignColumnKind.Intercept)
            .Select(j => Math.Abs(mode[j] - prior.Loc[j]) / prior.Scale[j]).DefaultIfEmpty(0).Max();
        if (pull > 0)
        {
            StudentTPull.Add(Math.Log10(pull));
        }
    }

    /// <summary>Column sds and correlations over the rows of every linear block together.</summary>
    private void AddDesign(LinearBlock[] blocks)
    {
        var rows = blocks.SelectMany(b => Enumerable.Range(0, b.Count).Select(n => b.Row(n).ToArray())).ToArray();
        if (rows.Length < 3)
        {
            return;
        }
        var x = Matrix<double>.Build.DenseOfRowArrays(rows);
        var sds = Enumerable.Range(0, x.ColumnCount).Select(j => (Column: j, Sd: Sd(x.Column(j)))).Where(c => c.Sd > 1e-12).ToArray();
        if (sds.Length < 2)
        {
            return;
        }
        ScaleSpread.Add(Math.Log10(sds.Max(c => c.Sd) / sds.Min(c => c.Sd)));
        var standardised = Matrix<double>.Build.DenseOfColumnVectors(sds.Select(c => (x.Column(c.Column) - x.Column(c.Column).Average()) / c.Sd));
        var singular = standardised.Svd(computeVectors: false).S;
        double smallest = singular.Minimum();
        // A rank-deficient sample (more columns than rows, or dummies that never vary apart) has no finite condition number.
        if (smallest > 1e-9 * singular.Maximum())
        {
            Condition.Add(Math.Log10(Math.Pow(singular.Maximum() / smallest, 2)));
        }
    }

    private static double Sd(Vector<double> column)
    {
        double mean = column.Average();
        return Math.Sqrt(column.Select(v => (v - mean) * (v - mean)).Sum() / (column.Count - 1));
    }
}
