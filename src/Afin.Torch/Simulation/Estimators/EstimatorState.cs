using Afin.Simulation.Training;

namespace Afin.Simulation.Estimators;

/// <summary>Everything about a trained estimator except its weights and method options.</summary>
internal sealed record EstimatorState(EstimatorKind Kind, int ParameterCount, DataShape Shape, IParameterPrior? Prior,
    ParameterScaling Parameters, DataScaling Data, SimulationTrainingSummary Training);
