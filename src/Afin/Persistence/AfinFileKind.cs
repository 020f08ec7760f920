using System.Text;

namespace Afin.Persistence;

/// <summary>What an AFIN file holds; each kind has its own magic bytes so one is never loaded as another.</summary>
internal enum AfinFileKind
{
    /// <summary>A trained model: configuration, training distribution and EMA weights.</summary>
    Model,

    /// <summary>A training checkpoint: everything needed to resume training exactly.</summary>
    Checkpoint,

    /// <summary>A trained simulation-based estimator (NBE, NPE or NRE).</summary>
    SimulationModel,

    /// <summary>A training checkpoint of a simulation-based estimator.</summary>
    SimulationCheckpoint,

    /// <summary>A stored set of simulations: parameters and data sets.</summary>
    SimulationSet,
}

/// <summary>Magic bytes and descriptions of <see cref="AfinFileKind"/>.</summary>
internal static class AfinFileKinds
{
    private static readonly (AfinFileKind Kind, byte[] Magic, string Description)[] Kinds =
    [
        (AfinFileKind.Model, Encoding.ASCII.GetBytes("AFINMODL"), "model file"),
        (AfinFileKind.Checkpoint, Encoding.ASCII.GetBytes("AFINCKPT"), "training checkpoint"),
        (AfinFileKind.SimulationModel, Encoding.ASCII.GetBytes("AFINSBIM"), "simulation-based estimator"),
        (AfinFileKind.SimulationCheckpoint, Encoding.ASCII.GetBytes("AFINSBIC"), "simulation-based training checkpoint"),
        (AfinFileKind.SimulationSet, Encoding.ASCII.GetBytes("AFINSIMS"), "simulation set"),
    ];

    internal static byte[] Magic(this AfinFileKind kind) => Kinds.Single(k => k.Kind == kind).Magic;

    internal static string Describe(this AfinFileKind kind) => Kinds.Single(k => k.Kind == kind).Description;

    internal static AfinFileKind? FromMagic(ReadOnlySpan<byte> magic)
    {
        foreach (var (kind, bytes, _) in Kinds)
        {
            if (magic.SequenceEqual(bytes))
            {
                return kind;
            }
        }
        return null;
    }
}
