using Afin.MLNet.Persistence;
using Afin.MLNet.Prediction;
using Afin.MLNet.Simulation;
using Microsoft.ML;

namespace Afin.MLNet;

/// <summary>Entry points on <c>mlContext.Transforms</c>.</summary>
public static class AfinCatalog
{
    /// <summary>The AFIN posterior estimator: one row = one Bayesian problem; see <see cref="AfinPosteriorOptions"/> for the columns.</summary>
    public static AfinPosteriorEstimator AfinPosterior(this TransformsCatalog catalog, AfinPosteriorOptions options)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        return new AfinPosteriorEstimator(MLNetInternalAccess.Environment(catalog), options);
    }

    /// <summary>The AFIN posterior estimator with the default column names.</summary>
    /// <param name="catalog">The transforms catalog.</param>
    /// <param name="modelPath">An AFIN model file; null: the default model shipped in Afin.dll.</param>
    /// <param name="sampleCount">Posterior draws per row (0: no samples column).</param>
    /// <param name="failurePolicy">Throw on a bad row (default) or flag it.</param>
    public static AfinPosteriorEstimator AfinPosterior(this TransformsCatalog catalog, string? modelPath = null, int sampleCount = 0,
        AfinFailurePolicy failurePolicy = AfinFailurePolicy.Throw) =>
        catalog.AfinPosterior(new AfinPosteriorOptions { ModelPath = modelPath, SampleCount = sampleCount, FailurePolicy = failurePolicy });

    /// <summary>
    /// A per-group Bayesian model that scores new rows: Fit reads observation rows (a group key, features, a label and, as
    /// the family needs, offsets, trials or noise scales), computes each group's posterior, and returns a transformer
    /// that scores observation rows into Score, Lower, Upper and, for binary labels, Probability and PredictedLabel; see
    /// <see cref="AfinGroupPredictorOptions"/>.
    /// </summary>
    public static AfinGroupPredictorEstimator AfinGroupPredictor(this TransformsCatalog catalog, AfinGroupPredictorOptions options)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        return new AfinGroupPredictorEstimator(MLNetInternalAccess.Environment(catalog), options);
    }

    /// <summary>
    /// The simulation-based posterior estimator: one row = one data set in a float vector column; outputs the mean, median
    /// and credible interval of the parameters from a neural Bayes, posterior or ratio estimator (bound, or trained at Fit
    /// from a prior and simulator); see <see cref="SimulationPosteriorOptions"/>.
    /// </summary>
    public static SimulationPosteriorEstimator SimulationPosterior(this TransformsCatalog catalog, SimulationPosteriorOptions options)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        return new SimulationPosteriorEstimator(MLNetInternalAccess.Environment(catalog), options);
    }

    /// <summary>The simulation-based posterior estimator bound to a trained estimator file, with the default output columns.</summary>
    /// <param name="catalog">The transforms catalog.</param>
    /// <param name="estimatorPath">A trained estimator file (afin sbi train).</param>
    /// <param name="inputColumnName">The float vector column holding one data set per row.</param>
    /// <param name="includeSamples">Add a Samples column with the posterior draws (NPE and NRE).</param>
    public static SimulationPosteriorEstimator SimulationPosterior(this TransformsCatalog catalog, string estimatorPath, string inputColumnName = "Data", bool includeSamples = false) =>
        catalog.SimulationPosterior(new SimulationPosteriorOptions { EstimatorPath = estimatorPath, InputColumnName = inputColumnName, IncludeSamples = includeSamples });
}
