using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Afin.Network.Modules;

/// <summary>
/// MLP(in -> out, hidden, L): Linear(in,h), SiLU, [Linear(h,h), SiLU] x (L-2), Linear(h,out), no final activation.
/// Registered as a Sequential named <c>mlp</c> whose Linear layers sit at indices 0, 2, 4, ... as in the reference.
/// </summary>
internal sealed class Mlp : nn.Module<Tensor, Tensor>
{
    private readonly Linear[] _linears;
    private readonly Sequential _mlp;

    /// <summary>Creates the MLP with PyTorch's default Linear initialisation.</summary>
    public Mlp(long inputDim, long outputDim, long hiddenDim, int numLayers) : base(nameof(Mlp))
    {
        if (numLayers < 2)
        {
            throw new ArgumentOutOfRangeException(nameof(numLayers), "an MLP needs at least 2 Linear layers");
        }
        InputDim = inputDim;
        _linears = new Linear[numLayers];
        var named = new List<(string, nn.Module<Tensor, Tensor>)>();
        for (int l = 0; l < numLayers; l++)
        {
            long fin = l == 0 ? inputDim : hiddenDim;
            long fout = l == numLayers - 1 ? outputDim : hiddenDim;
            _linears[l] = nn.Linear(fin, fout);
            named.Add(((2 * l).ToString(System.Globalization.CultureInfo.InvariantCulture), _linears[l]));
            if (l < numLayers - 1)
            {
                named.Add(((2 * l + 1).ToString(System.Globalization.CultureInfo.InvariantCulture), nn.SiLU()));
            }
        }
        _mlp = nn.Sequential(named.ToArray());
        register_module("mlp", _mlp);
    }

    /// <summary>Input width of the first layer.</summary>
    public long InputDim { get; }

    /// <summary>The last Linear layer (for the zero/softplus initialisations).</summary>
    public Linear Last => _linears[^1];

    /// <summary>The <paramref name="index"/>-th Linear layer.</summary>
    internal Linear Layer(int index) => _linears[index];

    /// <summary>Applies the MLP to the last axis (layer by layer rather than through the Sequential, which adds a
    /// module dispatch per layer to passes that are dominated by dispatch).</summary>
    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        return FromHidden(nn.functional.silu(_linears[0].forward(input))).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Pre-activation of the first layer for an input that would be the concatenation of <paramref name="parts"/>
    /// along the last axis, computed part by part so that broadcastable parts (row/column summaries, contexts shared
    /// across samples) are never expanded. Shapes must broadcast against each other once projected.
    /// </summary>
    public Tensor FirstLayerSplit(params Tensor[] parts) =>
        FirstLayerSplit(_linears[0].weight!, _linears[0].bias, InputDim, parts);

    /// <summary>
    /// First-layer pre-activations of several MLPs that read the same input, computed as one layer whose output
    /// stacks theirs (M·hidden channels): one kernel per input part instead of one per part and MLP. The attention
    /// maps Q, K and V read the same tokens, and on small problems the forward pass is dominated by the number of
    /// kernels, not their size. Finish each MLP with <see cref="FromHidden"/> on its slice of the activated output.
    /// </summary>
    public static Tensor FirstLayerSplit(IReadOnlyList<Mlp> mlps, params Tensor[] parts)
    {
        if (mlps.Count == 1)
        {
            return mlps[0].FirstLayerSplit(parts);
        }
        var weight = cat(mlps.Select(m => m._linears[0].weight!).ToArray(), 0);
        var bias = cat(mlps.Select(m => m._linears[0].bias!).ToArray(), 0);
        return FirstLayerSplit(weight, bias, mlps[0].InputDim, parts);
    }

    /// <summary>
    /// Inputs up to this many elements (once broadcast and concatenated) are concatenated and projected by one
    /// kernel; larger ones part by part. Below it the kernel count dominates (afin bench latency: each kernel costs
    /// a few microseconds whatever its size), above it materialising the concatenation costs more memory traffic
    /// than it saves.
    /// </summary>
    internal const long ConcatenatedInputLimit = 1 << 15;

    private static Tensor FirstLayerSplit(Tensor w, Tensor? bias, long inputDim, Tensor[] parts)
    {
        long width = parts.Sum(p => p.shape[^1]);
        if (width != inputDim)
        {
            throw new ArgumentException($"parts have {width} channels in total; the MLP expects {inputDim}");
        }
        long[] shape = broadcast_shapes(parts.Select(p => p.shape[..^1].Append(1L).ToArray()).ToArray()).ToArray();
        long rows = shape.Aggregate(1L, (a, b) => a * b);
        return rows * inputDim <= ConcatenatedInputLimit
            ? Concatenated(w, bias, parts, shape[..^1])
            : PartByPart(w, bias, parts);
    }

    private static Tensor Concatenated(Tensor w, Tensor? bias, Tensor[] parts, long[] leading)
    {
        using var scope = NewDisposeScope();
        var full = cat(parts.Select(p => p.expand(leading.Append(p.shape[^1]).ToArray())).ToArray(), -1);
        return nn.functional.linear(full, w, bias).MoveToOuterDisposeScope();
    }

    private static Tensor PartByPart(Tensor w, Tensor? bias, Tensor[] parts)
    {
        // A scope per call frees each projected part as soon as it is added: on pair tensors these
        // are the largest temporaries of the whole network, and keeping them to the end of the
        // forward pass multiplied peak memory several times (autograd keeps what backward needs).
        using var scope = NewDisposeScope();
        Tensor? acc = null;
        long offset = 0;
        foreach (var part in parts)
        {
            long width = part.shape[^1];
            var term = nn.functional.linear(part, w.narrow(1, offset, width));
            // In place when the running sum already has the broadcast shape (the first part is the full tensor).
            acc = acc is null ? term : acc.shape.SequenceEqual(broadcast_shapes(acc.shape, term.shape)) ? acc.add_(term) : acc + term;
            offset += width;
        }
        return (bias is null ? acc! : acc!.add_(bias)).MoveToOuterDisposeScope();
    }

    /// <summary>Hidden width (output of the first layer).</summary>
    public long HiddenDim => _linears[0].weight!.shape[0];

    /// <summary>Finishes the MLP from a first-layer pre-activation (see <see cref="FirstLayerSplit(Tensor[])"/>).</summary>
    public Tensor FromFirstPreactivation(Tensor pre)
    {
        using var scope = NewDisposeScope();
        return FromHidden(nn.functional.silu(pre)).MoveToOuterDisposeScope();
    }

    /// <summary>Finishes the MLP from the activated output of its first layer.</summary>
    public Tensor FromHidden(Tensor hidden)
    {
        using var scope = NewDisposeScope();
        var h = hidden;
        for (int l = 1; l < _linears.Length; l++)
        {
            h = _linears[l].forward(h);
            if (l < _linears.Length - 1)
            {
                h = nn.functional.silu(h);
            }
        }
        return h.MoveToOuterDisposeScope();
    }

    /// <summary>Applies the MLP to the concatenation of <paramref name="parts"/> without materialising it.</summary>
    public Tensor ForwardSplit(params Tensor[] parts) => FromFirstPreactivation(FirstLayerSplit(parts));

    /// <summary>Zeroes the last layer's weight and bias (the reference's <c>_zero_last</c>).</summary>
    public void ZeroLast()
    {
        using var _ = no_grad();
        nn.init.zeros_(Last.weight!);
        nn.init.zeros_(Last.bias!);
    }

    /// <summary>Zeroes only the last layer's bias (the reference's <c>_zero_last_bias</c>).</summary>
    public void ZeroLastBias()
    {
        using var _ = no_grad();
        nn.init.zeros_(Last.bias!);
    }

    /// <summary>Last weight zero and last bias log(e - 1), so that softplus of the output is 1 at init.</summary>
    public void InitSoftplusUnit()
    {
        using var _ = no_grad();
        nn.init.zeros_(Last.weight!);
        Last.bias!.fill_(TorchScalars.Of(Math.Log(Math.E - 1)));
    }
}
