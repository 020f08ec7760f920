using Afin.Simulation;
using Afin.Simulation.GaussianProcess;
using Afin.Simulation.Simulators;

namespace Afin.Cli.Commands.Sbi;

/// <summary>The simulators the command line knows by name, each with its prior. Library users bring their own.</summary>
internal static class BuiltInSimulators
{
    internal const string GaussianProcessField = "gp-field";
    internal const string GaussianMean = "gaussian-mean";

    internal static readonly string[] Names = [GaussianProcessField, GaussianMean];

    internal const string Description = "gp-field: the review's 16 x 16 Gaussian-process field, exponential covariance, length scale theta ~ U(0, 0.6); "
        + "gaussian-mean: ten draws y ~ N(mu, 1) with mu ~ N(0, 1) (a conjugate check).";

    internal static (IParameterPrior Prior, ISimulator Simulator) Create(string name) => name switch
    {
        GaussianProcessField => (new UniformPrior(0.0, 0.6), new GaussianProcessFieldSimulator()),
        GaussianMean => (new NormalPrior(0.0, 1.0), new GaussianMeanSimulator(10)),
        _ => throw new InvalidInputException($"--simulator: unknown simulator '{name}'; expected one of {string.Join(", ", Names)}"),
    };
}
