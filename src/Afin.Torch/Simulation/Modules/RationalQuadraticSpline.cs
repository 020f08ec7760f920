using Afin.Network;
using TorchSharp;
using static TorchSharp.torch;

namespace Afin.Simulation.Modules;

/// <summary>
/// Elementwise monotone rational-quadratic spline (Durkan et al. 2019, "Neural Spline Flows") on [-B, B] with identity
/// tails outside. Each element has its own spline, described by 3K - 1 unconstrained numbers laid out as
/// [K width logits, K height logits, K - 1 interior-derivative pre-activations]; the boundary derivatives are fixed at 1
/// so that the spline joins the identity tails with a continuous first derivative. All-zero parameters give the
/// identity map (equal bins, unit derivatives), which is what lets a zero-initialised conditioner start a flow at the
/// identity.
/// </summary>
internal static class RationalQuadraticSpline
{
    /// <summary>Smallest bin width as a fraction of 2B: keeps every bin resolvable in float32 and the slopes bounded.</summary>
    internal const double MinBinWidth = 1e-3;

    /// <summary>Smallest bin height as a fraction of 2B (same reason as <see cref="MinBinWidth"/>).</summary>
    internal const double MinBinHeight = 1e-3;

    /// <summary>Smallest knot derivative: the map stays strictly monotone so its inverse and log|det| stay finite.</summary>
    internal const double MinDerivative = 1e-3;

    /// <summary>Number of unconstrained parameters per element for <paramref name="bins"/> bins.</summary>
    internal static int ParameterCount(int bins) => 3 * bins - 1;

    /// <summary>
    /// Offset added to the derivative pre-activations so that a zero pre-activation gives derivative exactly 1:
    /// MinDerivative + softplus(0 + offset) = 1.
    /// </summary>
    private static readonly double DerivativeOffset = Math.Log(double.ExpM1(1.0 - MinDerivative));

    /// <summary>
    /// Applies the spline to <paramref name="x"/> (any shape S) with parameters <paramref name="raw"/> (S, 3K - 1).
    /// Returns y (S) and the elementwise log|dy/dx| (S), zero in the tails.
    /// </summary>
    internal static (Tensor Output, Tensor LogDet) Forward(Tensor x, Tensor raw, double bound)
    {
        using var scope = NewDisposeScope();
        var knots = Knots(raw, bound);
        var b = TorchScalars.Of(bound);
        var inside = x.ge(TorchScalars.Of(-bound)).logical_and(x.le(b));
        // The spline is evaluated on the clamped input and then discarded in the tails; evaluating it on the raw input
        // would put tail points outside every bin, and torch.where would still propagate their NaN/inf gradients.
        var xc = x.clamp(TorchScalars.Of(-bound), b);
        var bin = BinIndex(xc, knots.XKnots);
        var bp = knots.At(bin);

        var xi = xc.sub(bp.X0).div(bp.Width).clamp(TorchScalars.Of(0.0), TorchScalars.One);
        var t = xi * (1 - xi);
        var numerator = bp.Height * (bp.Slope * xi.square() + bp.D0 * t);
        var denominator = bp.Slope + bp.Curvature * t;
        var y = bp.Y0 + numerator / denominator;
        var logDet = LogDerivative(xi, t, denominator, bp);

        var output = where(inside, y, x);
        var ld = where(inside, logDet, zeros_like(logDet));
        return (output.MoveToOuterDisposeScope(), ld.MoveToOuterDisposeScope());
    }

    /// <summary>
    /// Exact inverse of <see cref="Forward"/>: x such that Forward(x) = <paramref name="y"/>, from the closed-form root of
    /// the quadratic that the rational-quadratic segment gives. Returns x and the elementwise log|dx/dy| (the negative of
    /// the forward log-derivative at x).
    /// </summary>
    internal static (Tensor Output, Tensor LogDet) Inverse(Tensor y, Tensor raw, double bound)
    {
        using var scope = NewDisposeScope();
        var knots = Knots(raw, bound);
        var b = TorchScalars.Of(bound);
        var inside = y.ge(TorchScalars.Of(-bound)).logical_and(y.le(b));
        var yc = y.clamp(TorchScalars.Of(-bound), b);
        var bin = BinIndex(yc, knots.YKnots);
        var bp = knots.At(bin);

        // Solve a·ξ² + b·ξ + c = 0 for ξ in [0, 1] with the root written as 2c / (-b - √disc), the form Durkan et al.
        // give: the textbook (-b ± √disc) / 2a divides by a, which is exactly zero at the identity parameters (s = d₀ = d₁)
        // the flow is initialised with, and it loses all precision as ξ → 0.
        var dy = yc - bp.Y0;
        var a = bp.Height * (bp.Slope - bp.D0) + dy * bp.Curvature;
        var bq = bp.Height * bp.D0 - dy * bp.Curvature;
        var c = -bp.Slope * dy;
        // The discriminant is positive for a monotone spline; clamping only removes float32 round-off below zero.
        var disc = (bq.square() - 4 * a * c).clamp_min(TorchScalars.Of(0.0));
        var xi = (2 * c / (-bq - disc.sqrt())).clamp(TorchScalars.Of(0.0), TorchScalars.One);
        var x = bp.X0 + xi * bp.Width;

        var t = xi * (1 - xi);
        var denominator = bp.Slope + bp.Curvature * t;
        var logDet = -LogDerivative(xi, t, denominator, bp);

        var output = where(inside, x, y);
        var ld = where(inside, logDet, zeros_like(logDet));
        return (output.MoveToOuterDisposeScope(), ld.MoveToOuterDisposeScope());
    }

    /// <summary>log dy/dx of the segment at ξ (t = ξ(1 - ξ), denominator s + (d₀ + d₁ - 2s)t).</summary>
    private static Tensor LogDerivative(Tensor xi, Tensor t, Tensor denominator, BinParameters bp)
    {
        var derivativeNumerator = bp.Slope.square() * (bp.D1 * xi.square() + 2 * bp.Slope * t + bp.D0 * (1 - xi).square());
        return derivativeNumerator.log() - 2 * denominator.log();
    }

    /// <summary>Index of the bin holding each value: the number of interior knots at or below it, so in [0, K - 1].</summary>
    private static Tensor BinIndex(Tensor value, Tensor knots)
    {
        long bins = knots.shape[^1] - 1;
        var interior = knots.narrow(-1, 1, bins - 1);
        return value.unsqueeze(-1).ge(interior).sum(-1, keepdim: true);
    }

    /// <summary>Knot positions (S, K + 1) in x and y and derivatives at the knots (S, K + 1).</summary>
    private sealed record KnotSet(Tensor XKnots, Tensor YKnots, Tensor Derivatives)
    {
        /// <summary>The parameters of the bin <paramref name="bin"/> (S, 1) of every element.</summary>
        public BinParameters At(Tensor bin)
        {
            Tensor G(Tensor t, Tensor index) => t.gather(-1, index).squeeze(-1);
            var next = bin + 1;
            var x0 = G(XKnots, bin);
            var y0 = G(YKnots, bin);
            var width = G(XKnots, next) - x0;
            var height = G(YKnots, next) - y0;
            var d0 = G(Derivatives, bin);
            var d1 = G(Derivatives, next);
            var slope = height / width;
            return new BinParameters(x0, width, y0, height, d0, d1, slope, d0 + d1 - 2 * slope);
        }
    }

    /// <summary>One bin per element: left knot, width, bottom knot, height, end derivatives, slope and d₀ + d₁ - 2s.</summary>
    private sealed record BinParameters(Tensor X0, Tensor Width, Tensor Y0, Tensor Height, Tensor D0, Tensor D1, Tensor Slope, Tensor Curvature);

    private static KnotSet Knots(Tensor raw, double bound)
    {
        long parameters = raw.shape[^1];
        if ((parameters + 1) % 3 != 0 || parameters < 5)
        {
            throw new ArgumentException($"spline parameters must have 3K - 1 entries with K >= 2 bins; got {parameters}", nameof(raw));
        }
        long bins = (parameters + 1) / 3;
        var xKnots = KnotPositions(raw.narrow(-1, 0, bins), bound, MinBinWidth);
        var yKnots = KnotPositions(raw.narrow(-1, bins, bins), bound, MinBinHeight);
        var interior = nn.functional.softplus(raw.narrow(-1, 2 * bins, bins - 1) + DerivativeOffset) + MinDerivative;
        var one = ones_like(interior.narrow(-1, 0, 1));
        var derivatives = cat([one, interior, one], -1);
        return new KnotSet(xKnots, yKnots, derivatives);
    }

    /// <summary>
    /// K + 1 increasing knots from -B to B whose gaps are softmax fractions of 2B floored at <paramref name="minFraction"/>.
    /// The end knots are set to ±B exactly (not taken from the cumulative sum, which misses B by round-off) so that
    /// the spline meets the identity tails exactly; widths are then taken as knot differences so bins tile [-B, B].
    /// </summary>
    private static Tensor KnotPositions(Tensor logits, double bound, double minFraction)
    {
        long bins = logits.shape[^1];
        var fractions = logits.softmax(-1) * (1 - minFraction * bins) + minFraction;
        var cumulative = fractions.cumsum(-1).narrow(-1, 0, bins - 1);
        var interior = cumulative * (2 * bound) - bound;
        var left = full_like(interior.narrow(-1, 0, 1), TorchScalars.Of(-bound));
        var right = full_like(interior.narrow(-1, 0, 1), TorchScalars.Of(bound));
        return cat([left, interior, right], -1);
    }
}
