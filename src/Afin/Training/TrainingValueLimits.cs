namespace Afin.Training;

/// <summary>
/// How far a problem's values may stray from what <see cref="TaskSampler"/> simulates before
/// <see cref="TrainingRange"/> calls them outside the training range. The simulated values are
/// fixed in <see cref="TaskSampler"/> (not in <see cref="TaskDistribution"/>), so these limits hold for
/// every model this library trains.
/// </summary>
/// <remarks>
/// The limits are deliberately generous: a value just past the simulated range is still
/// interpolated sensibly, while one several times past it feeds the network features it has never
/// seen. Multiplicative quantities (scales, noise levels, degrees of freedom, counts) get a factor
/// of 4 beyond the simulated range, or 2 below it for degrees of freedom, where heavier tails change the
/// posterior's shape. Quantities that have no hard range in the simulator (locations, design rows,
/// observations) get about twice the 99.9th percentile measured over 20,000 simulated tasks of the
/// default <see cref="TaskDistribution"/>, and lie above the largest value measured.
/// </remarks>
public static class TrainingValueLimits
{
    /// <summary>
    /// The largest prior location |loc_i| (5): simulated as 0.45·N(0, 1), whose 99.9th percentile
    /// (of the largest coordinate per task) was 1.7 and largest 2.1.
    /// </summary>
    public const double MaxPriorLocation = 5;

    /// <summary>
    /// The smallest prior scale (0.09, a quarter of the simulated 0.37): the simulated scales are
    /// exp U(-0.8, 0) (Gaussian), exp U(-0.7, 0) (Student-t) and exp U(-1, -0.05) (Laplace); a
    /// full-rank Gaussian's marginal standard deviations lie between about 1 and √2.
    /// </summary>
    public const double MinPriorScale = 0.09;

    /// <summary>The largest prior scale or marginal standard deviation (5.7, four times the simulated √2).</summary>
    public const double MaxPriorScale = 5.7;

    /// <summary>
    /// The smallest degrees of freedom of a Student-t prior or likelihood (1.5, half the simulated
    /// minimum 3): below it the tails are heavier than anything trained on.
    /// </summary>
    public const double MinDegreesOfFreedom = 1.5;

    /// <summary>The largest degrees of freedom (32, four times the simulated maximum 8).</summary>
    public const double MaxDegreesOfFreedom = 32;

    /// <summary>
    /// The smallest likelihood noise scale sigma (0.11, a quarter of the simulated 0.45): simulated
    /// as exp U(-0.8, -0.05) for the Gaussian families and exp U(-0.7, 0) for Student-t.
    /// </summary>
    public const double MinNoiseScale = 0.11;

    /// <summary>The largest likelihood noise scale sigma (4, four times the simulated maximum 1).</summary>
    public const double MaxNoiseScale = 4;

    /// <summary>
    /// The largest root-mean-square norm of a block's design rows (5): rows are simulated with
    /// entries 0.9/√d·N(0, 1), so norms about 0.9; the measured 99.9th percentile was 1.95 and the
    /// largest 2.7.
    /// </summary>
    public const double MaxRmsRowNorm = 5;

    /// <summary>
    /// The largest norm of any single design row (10): heavy-tailed design rows reach further than
    /// the typical 0.9; the measured 99.9th percentile was 3.4 and the largest 5.1.
    /// </summary>
    public const double MaxRowNorm = 10;

    /// <summary>
    /// The largest root-mean-square observed value y of a linear-Gaussian, linear Student-t or direct
    /// Gaussian block (10): simulated y are about 1 in size; the measured 99.9th percentile was 3.6
    /// to 5.2 by family and the largest 7.8.
    /// </summary>
    public const double MaxRmsObservation = 10;

    /// <summary>The largest binomial total_count (32, four times the simulated maximum 8).</summary>
    public const double MaxTotalCount = 32;

    /// <summary>
    /// The largest Poisson count y (4000): simulated counts of the synthetic tasks have median 2 and 99.9th percentile
    /// about 400; larger ones occur (counts follow the stated rates, uncapped) but too rarely to vouch for.
    /// </summary>
    public const double MaxPoissonCount = 4000;
}
