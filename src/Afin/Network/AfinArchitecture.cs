namespace Afin.Network;

/// <summary>How an <c>AfinNetwork</c> turns likelihood sites into the tokens its encoder and merge blocks see.</summary>
public enum AfinArchitecture
{
    /// <summary>
    /// The published design: every site is its own d x d token through every encoder layer and merge block,
    /// so one forward pass costs O(N d² C H) per layer.
    /// </summary>
    Faithful,

    /// <summary>
    /// Sites are summed after their family adapter into one token per likelihood family present (plus the prior), so
    /// the encoder and merge blocks see at most six tokens whatever N is and per-site work is the adapter alone.
    /// Exact in form for linear-Gaussian sites, whose posterior depends on the data only through such sums; a learned
    /// approximation for logistic, binomial and Student-t sites.
    /// </summary>
    Pooled,
}
