namespace Afin.Engine;

/// <summary>
/// The factor tokens of a chunk of problems that share d, in scratch memory: problem b owns tokens
/// [<see cref="TokenStart"/>[b], TokenStart[b + 1]), its prior first. Token t's pair tensor (d x d x C) starts at
/// t·d²·C in <see cref="Pair"/> and its node tensor (d x C) at t·d·C in <see cref="Node"/>. Each problem has exactly its
/// own tokens, so nothing is padded and no mask is needed: the torch batch's masked keys and masked pooling are the
/// tokens that simply are not here.
/// </summary>
internal readonly ref struct TokenBatch
{
    public TokenBatch(int dimension, int channels, ReadOnlySpan<int> tokenStart, Span<float> pair, Span<float> node)
    {
        Dimension = dimension;
        Channels = channels;
        TokenStart = tokenStart;
        Pair = pair;
        Node = node;
    }

    /// <summary>The problems' dimension d.</summary>
    public int Dimension { get; }

    /// <summary>The feature width C.</summary>
    public int Channels { get; }

    /// <summary>Token ranges: problem b owns [TokenStart[b], TokenStart[b + 1]).</summary>
    public ReadOnlySpan<int> TokenStart { get; }

    /// <summary>All pair tensors, token after token.</summary>
    public Span<float> Pair { get; }

    /// <summary>All node tensors, token after token.</summary>
    public Span<float> Node { get; }

    /// <summary>Number of problems.</summary>
    public int Problems => TokenStart.Length - 1;

    /// <summary>Number of tokens of all problems.</summary>
    public int Tokens => TokenStart[^1];

    /// <summary>Values in one token's pair tensor.</summary>
    public int PairSize => Dimension * Dimension * Channels;

    /// <summary>Values in one token's node tensor.</summary>
    public int NodeSize => Dimension * Channels;
}
