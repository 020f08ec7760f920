namespace Afin.Simulation;

/// <summary>Which network reduces a data set to the summary vector every estimator conditions on.</summary>
public enum SummaryNetworkKind
{
    /// <summary>Chosen by the data layout: MLP for vectors, CNN for grids, DeepSets for replicates.</summary>
    Auto,

    /// <summary>A multilayer perceptron on the flattened data.</summary>
    Mlp,

    /// <summary>A small convolutional network for 2-d fields: three 3x3 convolutions (the last two with stride 2) and a dense layer.</summary>
    Cnn,

    /// <summary>DeepSets: a shared MLP per replicate, a mean over replicates, then an MLP, so the summary ignores replicate order.</summary>
    DeepSet,

    /// <summary>A network supplied by the caller through <see cref="SummaryNetworkOptions.CustomFactory"/>.</summary>
    Custom,
}
