namespace Afin.Persistence;

/// <summary>Which implementation of the network's forward pass <see cref="AfinModel.Infer(Modelling.BayesianProblem)"/> runs.</summary>
public enum InferenceEngine
{
    /// <summary>
    /// The managed engine (the default for float32 models on the CPU): the same computation in plain .NET code, read from
    /// the model's weights, with no native library; thread-safe, so concurrent calls run in parallel. Its posteriors draw
    /// their samples from a managed generator, so draws for a seed differ from the TorchSharp engine's (the distributions
    /// agree to float32 rounding).
    /// </summary>
    Managed,

    /// <summary>
    /// The TorchSharp network itself, the engine of training and fine-tuning: needed for a network on a GPU or converted
    /// from float32. Calls on one model are serialised.
    /// </summary>
    TorchSharp,
}
