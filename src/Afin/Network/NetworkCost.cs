namespace Afin.Network;

/// <summary>
/// Counts the multiply-adds of one forward pass, so that a benchmark can set the achieved
/// GFLOP/s against the machine's matmul rate and see how much time goes beyond arithmetic.
/// </summary>
public static class NetworkCost
{
    /// <summary>
    /// Multiply-adds of one problem's forward pass (adapters, encoder, merge, decoder) with dimension d and N sites of
    /// <paramref name="families"/> likelihood families (which only matters to the pooled architecture's token count).
    /// </summary>
    public static long MultiplyAdds(AfinNetworkOptions options, int d, int sites, int families = 1)
    {
        ArgumentNullException.ThrowIfNull(options);
        long c = options.FeatureWidth, pairs = (long)d * d;
        long k = options.Architecture == AfinArchitecture.Pooled ? 1 + Math.Min(sites, families) : sites + 1;
        // Adapters run on every factor in both architectures: one hidden layer; pair inputs have up to 11 features, node inputs up to 7.
        long siteLayers = sites * options.SiteLayers * (pairs + d) * Mlp(c, c, options.BoxHidden, 2);
        long adapters = siteLayers + (sites + 1L) * (pairs * Mlp(11, c, options.AdapterHidden, 2) + d * Mlp(7, c, options.AdapterHidden, 2));
        long box = pairs * Mlp(6 * c, c, options.BoxHidden, options.MlpLayers) + d * Mlp(6 * c, c, options.BoxHidden, options.MlpLayers);
        long encoder = options.EncoderLayers * k * box;
        int mergeLayers = Math.Max(2, options.MlpLayers);
        long mergeMap = pairs * Mlp(6 * c, c, options.MergeHidden, mergeLayers) + d * Mlp(6 * c, c, options.MergeHidden, mergeLayers);
        // Per block: q, k, v, out maps and the feed-forward box layer per token; scores and mixing over K x K token pairs.
        long attention = 2 * k * k * (pairs + d) * c;
        long merge = options.MergeBlocks * (5 * k * mergeMap + attention);
        long decoder = options.Family == PosteriorFamily.Gaussian
            ? pairs * Mlp(c, 1, options.DecoderHidden, options.DecoderLayers) + d * (Mlp(c, 1, options.DecoderHidden, options.DecoderLayers) + Mlp(5 * c, 1, options.DecoderHidden, options.DecoderLayers)) + (long)d * d * d / 3
            : FlowDecoder(options, d);
        return adapters + encoder + merge + decoder;
    }

    private static long FlowDecoder(AfinNetworkOptions o, int d)
    {
        long c = o.FeatureWidth, ctx = o.FlowContext, pairs = (long)d * d;
        long context = d * Mlp(3 * c, ctx, Math.Max(o.FlowHidden, ctx), o.FlowLayers) + pairs * Mlp(c, ctx, Math.Max(o.FlowHidden, ctx), o.FlowLayers);
        long affine = d * Mlp(5 * c, 2, Math.Max(o.FlowHidden, 5 * c), o.FlowLayers);
        long coupling = d * Mlp(ctx + 2, ctx, o.FlowHidden, o.FlowLayers) + pairs * Mlp(ctx + 6, ctx, o.FlowHidden, o.FlowLayers)
            + pairs * Mlp(6 * ctx, ctx, o.FlowHidden, o.FlowLayers) + d * Mlp(6 * ctx, ctx, o.FlowHidden, o.FlowLayers) + d * Mlp(ctx, 2, o.FlowHidden, o.FlowLayers);
        return context + affine + o.FlowSteps * coupling;
    }

    /// <summary>Multiply-adds of an MLP with <paramref name="layers"/> Linear layers applied to one row.</summary>
    private static long Mlp(long input, long output, long hidden, int layers) =>
        input * hidden + Math.Max(0, layers - 2) * hidden * hidden + hidden * output;
}
