namespace Afin.References;

/// <summary>
/// The scratch state that one level of the NUTS tree recursion needs while it joins its two
/// half-subtrees, preallocated once per chain so that building a trajectory allocates nothing.
/// </summary>
/// <remarks>
/// The recursion builds the initial half to completion before it starts the final half, so the
/// two children of a level can share the buffers of the level below: one set per depth suffices.
/// The members are fields so that <see cref="ProposeFinal"/> can be swapped by reference.
/// </remarks>
internal sealed class TreeLevel
{
    internal TreeLevel(int dimension)
    {
        PInitEnd = new double[dimension];
        PFinalBeg = new double[dimension];
        RhoInit = new double[dimension];
        RhoFinal = new double[dimension];
        ProposeFinal = new PhasePoint(dimension);
    }

    /// <summary>Momentum at the far end of the initial half (where the final half begins).</summary>
    internal readonly double[] PInitEnd;

    /// <summary>Momentum at the near end of the final half.</summary>
    internal readonly double[] PFinalBeg;

    /// <summary>Sum of the momenta over the initial half.</summary>
    internal readonly double[] RhoInit;

    /// <summary>Sum of the momenta over the final half.</summary>
    internal readonly double[] RhoFinal;

    /// <summary>The state sampled from the final half; swapped with the caller's proposal when chosen.</summary>
    internal PhasePoint ProposeFinal;
}
