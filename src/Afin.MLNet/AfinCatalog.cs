using Afin.MLNet.Persistence;
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
}
