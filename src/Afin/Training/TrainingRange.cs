using System.Globalization;
using Afin.Canonical;
using Afin.Modelling;
using MathNet.Numerics.LinearAlgebra;

namespace Afin.Training;

/// <summary>
/// Says, in words, why a problem lies outside the range a model was trained on: its dimension d or
/// number of sites N, a prior or likelihood family the model never saw, or values (locations,
/// scales, noise levels, design rows, observations, counts) far outside what the training simulator
/// produced (see <see cref="TrainingValueLimits"/>). An AFIN answer outside this range may still be
/// good, but nothing vouches for it: it should be checked.
/// </summary>
public sealed class TrainingRange
{
    private readonly bool _scaleFree;
    private readonly double _minDf;
    private readonly double _maxTotalCount;
    private readonly string? _simulatedDf;
    private readonly string _simulatedCounts;

    /// <summary>Creates the check for a model trained on <paramref name="tasks"/>.</summary>
    /// <param name="tasks">The model's task distribution.</param>
    /// <param name="coordinates">
    /// The coordinates the model sees problems in. In Laplace coordinates every problem reaches the network centred and
    /// scaled by its own Laplace approximation, so the checks of locations, scales, design rows and observations do not
    /// apply; d, N, the families, degrees of freedom, binomial trials and Poisson counts still do.
    /// </param>
    /// <exception cref="ArgumentNullException"><paramref name="tasks"/> is null.</exception>
    public TrainingRange(TaskDistribution tasks, LatentCoordinates coordinates = LatentCoordinates.Original)
    {
        Tasks = tasks ?? throw new ArgumentNullException(nameof(tasks));
        // The value limits were measured on the synthetic kinds; user-like tasks have raw designs, wide intercept priors and
        // small shrinkage scales, so a model trained on them is not held to those limits.
        _scaleFree = coordinates != LatentCoordinates.Original || tasks.UserTasks is not null;
        _minDf = tasks.UserTasks is { } mix ? Math.Min(TrainingValueLimits.MinDegreesOfFreedom, mix.MinDegreesOfFreedom / 2) : TrainingValueLimits.MinDegreesOfFreedom;
        _maxTotalCount = tasks.UserTasks is { } m ? Math.Max(TrainingValueLimits.MaxTotalCount, 4.0 * m.MaxTrials) : TrainingValueLimits.MaxTotalCount;
        _simulatedDf = tasks.UserTasks is { } u ? $"{Format(u.MinDegreesOfFreedom)}..8" : null;
        _simulatedCounts = tasks.UserTasks is { } t ? $"1..{t.MaxTrials}" : "2..8";
    }

    /// <summary>The task distribution the model was trained on.</summary>
    public TaskDistribution Tasks { get; }

    /// <summary>Whether <see cref="Check"/> finds nothing outside the training range.</summary>
    public bool Covers(BayesianProblem problem) => Check(problem).Count == 0;

    /// <summary>
    /// Every reason the problem lies outside the training range, one human-readable sentence each
    /// (naming the field and the block), or an empty list when it lies inside.
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="problem"/> is null.</exception>
    /// <remarks>
    /// The structural part (d, N, families) agrees with <see cref="TaskDistribution.Covers"/>; the
    /// value checks come on top of it.
    /// </remarks>
    public IReadOnlyList<string> Check(BayesianProblem problem)
    {
        ArgumentNullException.ThrowIfNull(problem);
        var reasons = new List<string>();
        CheckShape(problem, reasons);
        CheckFamilies(problem, reasons);
        CheckPrior(problem.Prior, reasons);
        for (int i = 0; i < problem.Blocks.Count; i++)
        {
            CheckBlock(problem.Blocks[i], $"observations[{i}] ({problem.Blocks[i].Family})", reasons);
        }
        return reasons;
    }

    private void CheckShape(BayesianProblem problem, List<string> reasons)
    {
        int d = problem.Dimension, n = problem.ObservationCount;
        if (d < Tasks.MinDimension || d > Tasks.MaxDimension)
        {
            reasons.Add($"d = {d} is outside the training range {Tasks.MinDimension}..{Tasks.MaxDimension}");
        }
        // As in TaskDistribution.Covers: fewer sites than trained on is fine down to one.
        int minSites = Math.Min(Tasks.MinSites, 1);
        if (n < minSites || n > Tasks.MaxSites)
        {
            reasons.Add($"N = {n} likelihood sites is outside the training range {minSites}..{Tasks.MaxSites}");
        }
    }

    private void CheckFamilies(BayesianProblem problem, List<string> reasons)
    {
        if (!Tasks.PriorFamilies.Contains(problem.Prior.Family))
        {
            reasons.Add($"prior family '{problem.Prior.Family}' was not trained on (trained: {string.Join(", ", Tasks.PriorFamilies)})");
        }
        foreach (var family in problem.Blocks.Select(b => b.Family).Distinct().Where(f => !Tasks.LikelihoodFamilies.Contains(f)))
        {
            reasons.Add($"likelihood family '{family}' was not trained on (trained: {string.Join(", ", Tasks.LikelihoodFamilies)})");
        }
        if (problem.HasWeights)
        {
            reasons.Add("the observations carry weights, which the network was not trained on");
        }
    }

    private void CheckPrior(Prior prior, List<string> reasons)
    {
        if (prior is StudentTPrior t)
        {
            CheckBand("prior", "df", t.Df, _minDf, TrainingValueLimits.MaxDegreesOfFreedom, _simulatedDf ?? "3..8", reasons);
        }
        if (_scaleFree)
        {
            return;
        }
        double location = prior.Loc.Length == 0 ? 0 : prior.Loc.Max(Math.Abs);
        if (location > TrainingValueLimits.MaxPriorLocation)
        {
            reasons.Add($"prior.loc reaches |loc| = {Format(location)}, beyond {Format(TrainingValueLimits.MaxPriorLocation)} (simulated locations are 0.45·N(0, 1))");
        }
        var (scaleField, scales) = PriorScales(prior);
        CheckBand("prior", scaleField, scales, TrainingValueLimits.MinPriorScale, TrainingValueLimits.MaxPriorScale, "0.37..1.41", reasons);
    }

    /// <summary>The prior's scales; for a full-rank Gaussian, the marginal standard deviations √(precision⁻¹)ᵢᵢ.</summary>
    private static (string Field, double[] Scales) PriorScales(Prior prior) => prior switch
    {
        GaussianPrior g => ("scale", g.Scale),
        StudentTPrior t => ("scale", t.Scale),
        LaplacePrior l => ("scale", l.Scale),
        FullRankGaussianPrior f => ("precision (marginal sd)", Matrix<double>.Build.DenseOfArray(f.Precision).Inverse().Diagonal().Select(Math.Sqrt).ToArray()),
        _ => ("scale", []),
    };

    private void CheckBlock(ObservationBlock block, string name, List<string> reasons)
    {
        if (block.Count == 0)
        {
            return;
        }
        if (_scaleFree)
        {
            CheckShapes(block, name, reasons);
            return;
        }
        if (block is LinearBlock linear)
        {
            CheckDesign(linear, name, reasons);
        }
        switch (block)
        {
            case LinearGaussianBlock g:
                CheckObservations(g.Y, name, reasons);
                CheckBand(name, "sigma", g.Sigma, TrainingValueLimits.MinNoiseScale, TrainingValueLimits.MaxNoiseScale, "0.45..0.95", reasons);
                break;
            case LinearStudentTBlock t:
                CheckObservations(t.Y, name, reasons);
                CheckBand(name, "sigma", t.Sigma, TrainingValueLimits.MinNoiseScale, TrainingValueLimits.MaxNoiseScale, "0.50..1", reasons);
                CheckBand(name, "df", t.Df, TrainingValueLimits.MinDegreesOfFreedom, TrainingValueLimits.MaxDegreesOfFreedom, "3.5..8", reasons);
                break;
            case DirectGaussianBlock direct:
                CheckObservations(direct.Y.Cast<double>().ToArray(), name, reasons);
                CheckBand(name, "sigma", direct.Sigma, TrainingValueLimits.MinNoiseScale, TrainingValueLimits.MaxNoiseScale, "0.45..0.95", reasons);
                break;
            case BinomialLogitBlock b:
                CheckBand(name, "total_count", b.TotalCount, 1, TrainingValueLimits.MaxTotalCount, "2..8", reasons);
                break;
            case PoissonLogBlock p:
                CheckBand(name, "y", p.Y, 0, TrainingValueLimits.MaxPoissonCount, "counts with means up to 1000", reasons);
                break;
        }
    }

    /// <summary>The checks that survive Laplace coordinates: a Student-t site's df, a binomial site's trials and a Poisson site's counts.</summary>
    private void CheckShapes(ObservationBlock block, string name, List<string> reasons)
    {
        if (block is LinearStudentTBlock t)
        {
            CheckBand(name, "df", t.Df, _minDf, TrainingValueLimits.MaxDegreesOfFreedom, _simulatedDf ?? "3.5..8", reasons);
        }
        else if (block is BinomialLogitBlock b)
        {
            CheckBand(name, "total_count", b.TotalCount, 1, _maxTotalCount, _simulatedCounts, reasons);
        }
        else if (block is PoissonLogBlock p)
        {
            CheckBand(name, "y", p.Y, 0, TrainingValueLimits.MaxPoissonCount, "counts with means up to 1000", reasons);
        }
    }

    private static void CheckDesign(LinearBlock block, string name, List<string> reasons)
    {
        double sumSquares = 0, largest = 0;
        for (int n = 0; n < block.Count; n++)
        {
            double squared = 0;
            foreach (double v in block.Row(n))
            {
                squared += v * v;
            }
            sumSquares += squared;
            largest = Math.Max(largest, squared);
        }
        double rms = Math.Sqrt(sumSquares / block.Count);
        if (rms > TrainingValueLimits.MaxRmsRowNorm)
        {
            reasons.Add($"{name}: the root-mean-square norm of the design rows x is {Format(rms)}, above {Format(TrainingValueLimits.MaxRmsRowNorm)} (simulated rows have norm about 0.9)");
        }
        else if (Math.Sqrt(largest) > TrainingValueLimits.MaxRowNorm)
        {
            reasons.Add($"{name}: the largest design row norm is {Format(Math.Sqrt(largest))}, above {Format(TrainingValueLimits.MaxRowNorm)} (simulated rows have norm about 0.9)");
        }
    }

    private static void CheckObservations(IReadOnlyCollection<double> y, string name, List<string> reasons)
    {
        double rms = Math.Sqrt(y.Sum(v => v * v) / y.Count);
        if (rms > TrainingValueLimits.MaxRmsObservation)
        {
            reasons.Add($"{name}: the root-mean-square of y is {Format(rms)}, above {Format(TrainingValueLimits.MaxRmsObservation)} (simulated observations are about 1 in size)");
        }
    }

    /// <summary>Adds a reason when the smallest value lies below <paramref name="min"/> or the largest above <paramref name="max"/>.</summary>
    private static void CheckBand(string owner, string field, IReadOnlyCollection<double> values, double min, double max, string simulated, List<string> reasons)
    {
        if (values.Count == 0)
        {
            return;
        }
        double smallest = values.Min(), largest = values.Max();
        if (smallest < min)
        {
            reasons.Add($"{owner}.{field} goes down to {Format(smallest)}, below {Format(min)} (simulated {simulated})");
        }
        if (largest > max)
        {
            reasons.Add($"{owner}.{field} goes up to {Format(largest)}, above {Format(max)} (simulated {simulated})");
        }
    }

    /// <summary>
    /// "0.###" for the sizes problems usually hold; beyond them it would print hundreds of digits (a df of 1e300) or round
    /// to 0 (a scale of 1e-9), so those are written in exponent form.
    /// </summary>
    private static string Format(double value) => value == 0 || Math.Abs(value) is >= 1e-3 and < 1e9
        ? value.ToString("0.###", CultureInfo.InvariantCulture)
        : value.ToString("G4", CultureInfo.InvariantCulture);
}
