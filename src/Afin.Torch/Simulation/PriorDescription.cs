namespace Afin.Simulation;

/// <summary>A built-in prior as saved in a model file, so a loaded ratio estimator can multiply by it without the caller restating it.</summary>
internal sealed record PriorDescription(string Family, double[] First, double[] Second)
{
    internal static PriorDescription? Describe(IParameterPrior prior) => prior switch
    {
        UniformPrior u => new PriorDescription("uniform", u.Lower, u.Upper),
        NormalPrior n => new PriorDescription("normal", n.Mean, n.Scale),
        _ => null,
    };

    internal IParameterPrior ToPrior() => Family switch
    {
        "uniform" => new UniformPrior(First, Second),
        "normal" => new NormalPrior(First, Second),
        _ => throw new InvalidDataException($"unknown prior family '{Family}' in the model file; expected uniform or normal"),
    };
}
