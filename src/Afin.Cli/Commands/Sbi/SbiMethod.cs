using Afin.Simulation;
using Afin.Simulation.Estimators;
using Afin.Simulation.Training;

namespace Afin.Cli.Commands.Sbi;

/// <summary>The three methods by their command-line names, and how each is trained from stored sets.</summary>
internal static class SbiMethod
{
    internal static readonly string[] Names = ["nbe", "npe", "nre"];

    internal static SimulationEstimator Train(string method, IParameterPrior prior, SimulationSet training, SimulationSet validation, SimulationTrainingOptions options,
        PosteriorDensityKind density, IProgress<SimulationTrainingProgress>? progress, CancellationToken cancellation) => method switch
    {
        "nbe" => NeuralBayesEstimator.Train(prior, training, validation, new NeuralBayesEstimatorOptions(), options, progress, cancellation),
        "npe" => NeuralPosteriorEstimator.Train(prior, training, validation, new NeuralPosteriorEstimatorOptions { Density = density }, options, progress, cancellation),
        "nre" => NeuralRatioEstimator.Train(prior, training, validation, new NeuralRatioEstimatorOptions(), options, progress, cancellation),
        _ => throw new InvalidInputException($"--method: unknown method '{method}'; expected one of {string.Join(", ", Names)}"),
    };

    internal static string Describe(string method, PosteriorDensityKind density = PosteriorDensityKind.SplineFlow) => method switch
    {
        "nbe" => "neural Bayes estimator (median and 5%/95% quantiles)",
        "npe" => density == PosteriorDensityKind.SplineFlow ? "neural posterior estimation (conditional spline flow)" : "neural posterior estimation (Gaussian mixture)",
        _ => "neural ratio estimation (classifier; grid posterior)",
    };
}
