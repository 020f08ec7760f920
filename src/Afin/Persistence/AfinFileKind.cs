using System.Text;

namespace Afin.Persistence;

/// <summary>What an AFIN file holds; each kind has its own magic bytes so one is never loaded as the other.</summary>
internal enum AfinFileKind
{
    /// <summary>A trained model: configuration, training distribution and EMA weights.</summary>
    Model,

    /// <summary>A training checkpoint: everything needed to resume training exactly.</summary>
    Checkpoint,
}

/// <summary>Magic bytes and descriptions of <see cref="AfinFileKind"/>.</summary>
internal static class AfinFileKinds
{
    private static readonly byte[] ModelMagic = Encoding.ASCII.GetBytes("AFINMODL");
    private static readonly byte[] CheckpointMagic = Encoding.ASCII.GetBytes("AFINCKPT");

    internal static byte[] Magic(this AfinFileKind kind) => kind == AfinFileKind.Model ? ModelMagic : CheckpointMagic;

    internal static string Describe(this AfinFileKind kind) => kind == AfinFileKind.Model ? "model file" : "training checkpoint";

    internal static AfinFileKind? FromMagic(ReadOnlySpan<byte> magic) =>
        magic.SequenceEqual(ModelMagic) ? AfinFileKind.Model : magic.SequenceEqual(CheckpointMagic) ? AfinFileKind.Checkpoint : null;
}
