using System.Numerics.Tensors;

namespace Afin.Engine;

/// <summary>
/// One RealNVP affine coupling (<c>flow.steps.k</c>): with mask m, keep = x⊙m; the conditioner reads node scalars
/// symlog[keep_i, m_i] and pair scalars symlog[keep_i, keep_j, m_i, m_j, m_i·m_j, δ_ij] after the flow context, runs
/// node_proj and pair_proj, the node half of a box layer, and param_head → (t, r), ℓ = b·tanh(r / b). Forward:
/// y = keep + (1 - m)⊙(x·e^{sℓ} + s·t), log|det| = Σ (1 - m)·sℓ; the inverse undoes it.
/// </summary>
/// <remarks>
/// Everything in the first layers that does not depend on the draw (the context, the mask scalars, δ_ij, the bias) is
/// projected once per posterior by <see cref="Prepare"/>; a draw adds only its own keep_i terms. The torch module
/// computes the box layer's pair update and discards it; here it is skipped, and the node update reads the pair
/// projection only through its row, column, diagonal and global means, which the linear last layer of pair_proj
/// commutes with: those means are taken of the activations before it, so the d x d x Cc pair tensor is never formed.
/// </remarks>
internal sealed class CouplingLayer
{
    private readonly Mlp _nodeProjection;
    private readonly Mlp _pairProjection;
    private readonly Mlp _nodeRefine;
    private readonly Mlp _parameterHead;
    private readonly float _bound;
    private readonly int _layer;
    private readonly int _context;

    public CouplingLayer(WeightSet weights, string prefix, int contextChannels, int hidden, int layers, double maxLogScale, int layerIndex)
    {
        _context = contextChannels;
        _bound = (float)maxLogScale;
        _layer = layerIndex;
        _nodeProjection = Mlp.From(weights, $"{prefix}.node_proj", contextChannels + 2, contextChannels, hidden, layers);
        _pairProjection = Mlp.From(weights, $"{prefix}.pair_proj", contextChannels + 6, contextChannels, hidden, layers);
        _nodeRefine = Mlp.From(weights, $"{prefix}.box.node_refine", 6 * contextChannels, contextChannels, hidden, layers);
        _parameterHead = Mlp.From(weights, $"{prefix}.param_head", contextChannels, 2, hidden, layers);
    }

    /// <summary>The draw-independent first-layer terms of one posterior (node d x H, pair d² x H) and the mask.</summary>
    internal sealed record Prepared(float[] Mask, float[] NodeBase, float[] PairBase);

    /// <summary>Projects a posterior's contexts (node d x Cc, pair d x d x Cc) and this layer's mask scalars once.</summary>
    public Prepared Prepare(ReadOnlySpan<float> nodeContext, ReadOnlySpan<float> pairContext, int d)
    {
        var mask = CouplingMasks.Get(_layer, d);
        int cc = _context, hn = _nodeProjection.Hidden, hp = _pairProjection.Hidden;
        var nodeFirst = _nodeProjection.First;
        var pairFirst = _pairProjection.First;
        var nodeBase = new float[d * hn];
        var pairBase = new float[d * d * hp];
        nodeFirst.ForwardPart(nodeContext, cc, d, 0, cc, nodeBase, hn, accumulate: false, withBias: true);
        pairFirst.ForwardPart(pairContext, cc, d * d, 0, cc, pairBase, hp, accumulate: false, withBias: true);
        float identity = Activations.Symlog(1f);
        for (int i = 0; i < d; i++)
        {
            float mi = Activations.Symlog(mask[i]);
            var nodeRow = nodeBase.AsSpan(i * hn, hn);
            TensorPrimitives.MultiplyAdd(nodeFirst.InputRow(cc + 1), mi, nodeRow, nodeRow);
            for (int j = 0; j < d; j++)
            {
                float mj = Activations.Symlog(mask[j]);
                var entry = pairBase.AsSpan((i * d + j) * hp, hp);
                TensorPrimitives.MultiplyAdd(pairFirst.InputRow(cc + 2), mi, entry, entry);
                TensorPrimitives.MultiplyAdd(pairFirst.InputRow(cc + 3), mj, entry, entry);
                TensorPrimitives.MultiplyAdd(pairFirst.InputRow(cc + 4), Activations.Symlog(mask[i] * mask[j]), entry, entry);
                if (i == j)
                {
                    TensorPrimitives.MultiplyAdd(pairFirst.InputRow(cc + 5), identity, entry, entry);
                }
            }
        }
        return new Prepared(mask, nodeBase, pairBase);
    }

    /// <summary>
    /// Transforms <paramref name="rows"/> draws of <paramref name="x"/> (rows x d) in place, forward (sampling) or inverse
    /// (density), with strength <paramref name="strength"/>, adding each draw's log|det| to <paramref name="logDet"/>.
    /// </summary>
    public void Transform(Span<float> x, int rows, int d, Prepared prepared, float strength, bool inverse, Span<float> logDet)
    {
        int cc = _context;
        var arena = ScratchArena<float>.ForThread;
        using var scope = arena.Scope();
        var keepLog = arena.Rent(rows * d);
        var mask = prepared.Mask;
        for (int r = 0; r < rows; r++)
        {
            for (int i = 0; i < d; i++)
            {
                keepLog[r * d + i] = Activations.Symlog(x[r * d + i] * mask[i]);
            }
        }
        var node = arena.Rent(rows * d * cc);
        Nodes(keepLog, rows, d, prepared, node);
        var refineInput = arena.Rent(rows * d * 6 * cc);
        for (int r = 0; r < rows; r++)
        {
            RefineInput(keepLog.Slice(r * d, d), node.Slice(r * d * cc, d * cc), d, prepared, refineInput.Slice(r * d * 6 * cc, d * 6 * cc));
        }
        _nodeRefine.Forward(refineInput, 6 * cc, rows * d, node, cc, accumulate: true);
        var raw = arena.Rent(rows * d * 2);
        _parameterHead.Forward(node, cc, rows * d, raw, 2);
        for (int r = 0; r < rows; r++)
        {
            float sum = 0;
            for (int i = 0; i < d; i++)
            {
                float m = mask[i], free = 1f - m;
                float t = raw[(r * d + i) * 2];
                float sl = Activations.BoundedLogScale(raw[(r * d + i) * 2 + 1], _bound) * strength;
                float value = x[r * d + i];
                float keep = value * m;
                float moved = inverse ? (value - t * strength) * MathF.Exp(-sl) : value * MathF.Exp(sl) + t * strength;
                x[r * d + i] = keep + free * moved;
                sum += free * sl;
            }
            logDet[r] += inverse ? -sum : sum;
        }
    }

    /// <summary>node_proj of every draw: the prepared base plus symlog(keep_i)·W[keep_i], SiLU, the remaining layers.</summary>
    private void Nodes(ReadOnlySpan<float> keepLog, int rows, int d, Prepared prepared, Span<float> node)
    {
        int hn = _nodeProjection.Hidden;
        var arena = ScratchArena<float>.ForThread;
        using var scope = arena.Scope();
        var hidden = arena.Rent(rows * d * hn);
        var keepWeight = _nodeProjection.First.InputRow(_context);
        for (int r = 0; r < rows; r++)
        {
            for (int i = 0; i < d; i++)
            {
                VectorMath.AddScaled(prepared.NodeBase.AsSpan(i * hn, hn), keepWeight, keepLog[r * d + i], hidden.Slice((r * d + i) * hn, hn));
            }
        }
        Activations.SiLU(hidden);
        _nodeProjection.FinishFromHidden(hidden, hn, rows * d, node, _context);
    }

    /// <summary>
    /// One draw's input to the box layer's node MLP, [n_i, diag_i, row_i, col_i, gP, gN] (d x 6Cc), with the pair
    /// summaries from the means of pair_proj's penultimate activations.
    /// </summary>
    private void RefineInput(ReadOnlySpan<float> keepLog, ReadOnlySpan<float> node, int d, Prepared prepared, Span<float> input)
    {
        int cc = _context, hp = _pairProjection.Hidden, entries = d * d;
        var first = _pairProjection.First;
        var arena = ScratchArena<float>.ForThread;
        using var scope = arena.Scope();
        var hidden = arena.Rent(entries * hp);
        var byI = arena.Rent(d * hp);
        var byJ = arena.Rent(d * hp);
        for (int i = 0; i < d; i++)
        {
            TensorPrimitives.Multiply(first.InputRow(cc), keepLog[i], byI.Slice(i * hp, hp));
            TensorPrimitives.Multiply(first.InputRow(cc + 1), keepLog[i], byJ.Slice(i * hp, hp));
        }
        prepared.PairBase.CopyTo(hidden);
        for (int i = 0; i < d; i++)
        {
            for (int j = 0; j < d; j++)
            {
                Activations.AddTwoThenSiLU(hidden.Slice((i * d + j) * hp, hp), byI.Slice(i * hp, hp), byJ.Slice(j * hp, hp));
            }
        }
        var penultimate = _pairProjection.Penultimate(hidden, hp, entries, arena.Rent(entries * _pairProjection.Last.Inputs))[..(entries * _pairProjection.Last.Inputs)];
        int width = _pairProjection.Last.Inputs;
        // Means of the penultimate activations: rows i (d), columns j (d), the diagonal (d), all entries (1).
        var means = arena.Rent((3 * d + 1) * width);
        PairOps.RowMeans(penultimate, d, width, means);
        PairOps.ColMeans(penultimate, d, width, means[(d * width)..]);
        PairOps.Diagonal(penultimate, d, width, means[(2 * d * width)..]);
        PairOps.MeanOfRows(penultimate, entries, width, means[(3 * d * width)..]);
        var summaries = arena.Rent((3 * d + 1) * cc);
        _pairProjection.Last.Forward(means, width, 3 * d + 1, summaries, cc);
        var gN = arena.Rent(cc);
        PairOps.MeanOfRows(node, d, cc, gN);
        int six = 6 * cc;
        for (int i = 0; i < d; i++)
        {
            var dst = input.Slice(i * six, six);
            node.Slice(i * cc, cc).CopyTo(dst);
            summaries.Slice((2 * d + i) * cc, cc).CopyTo(dst[cc..]);
            summaries.Slice(i * cc, cc).CopyTo(dst[(2 * cc)..]);
            summaries.Slice((d + i) * cc, cc).CopyTo(dst[(3 * cc)..]);
            summaries.Slice(3 * d * cc, cc).CopyTo(dst[(4 * cc)..]);
            gN.CopyTo(dst[(5 * cc)..]);
        }
    }
}
