using Afin.Network;

namespace Afin.Engine;

/// <summary>
/// A flow posterior of the managed engine: the problem's flow context (node and pair), final affine and strength, with
/// sampling and density evaluation through the managed couplings. It needs no native library, holds no lock and owns
/// nothing to dispose; any number of threads may sample it and evaluate its density at once.
/// </summary>
/// <remarks>
/// Draws for a seed come from a managed generator (the same on every machine), so they differ from those a torch-engine
/// posterior gives for the same seed; the transform of given base draws and the density agree with the torch flow to
/// float32 rounding. <see cref="Mean"/> and <see cref="Covariance"/> are Monte Carlo estimates from
/// <see cref="MomentSampleCount"/> draws with seed <see cref="MomentSeed"/> (covariance with divisor n - 1), as for
/// <c>FlowAfinPosterior</c>, computed once and cached.
/// </remarks>
public sealed class ManagedFlowPosterior : AfinPosterior
{
    /// <summary>Number of draws behind <see cref="Mean"/> and <see cref="Covariance"/>.</summary>
    public const int MomentSampleCount = FlowMoments.SampleCount;

    /// <summary>Seed of the draws behind <see cref="Mean"/> and <see cref="Covariance"/>.</summary>
    public const int MomentSeed = FlowMoments.Seed;

    private const float Log2Pi = 1.8378770664093454836f;

    /// <summary>Draws transformed per pass over the couplings, bounding scratch memory for large requests.</summary>
    private const int Chunk = 1024;

    private readonly RealNvpFlow _flow;
    private readonly float[] _nodeContext;
    private readonly float[] _pairContext;
    private readonly float[] _shift;
    private readonly float[] _logScale;
    private readonly Lazy<CouplingLayer.Prepared[]> _prepared;
    private readonly Lazy<(double[] Mean, double[,] Covariance)> _moments;

    internal ManagedFlowPosterior(RealNvpFlow flow, int dimension, float[] nodeContext, float[] pairContext, float[] shift, float[] logScale, double strength)
        : base(dimension)
    {
        _flow = flow;
        _nodeContext = nodeContext;
        _pairContext = pairContext;
        _shift = shift;
        _logScale = logScale;
        Strength = strength;
        _prepared = new Lazy<CouplingLayer.Prepared[]>(() => _flow.Prepare(_nodeContext, _pairContext, Dimension));
        _moments = new Lazy<(double[], double[,])>(() => FlowMoments.Of(Sample(MomentSampleCount, MomentSeed)));
    }

    /// <inheritdoc />
    public override PosteriorFamily Family => PosteriorFamily.Flow;

    /// <summary>The flow strength s the engine was built with (1 for a trained model).</summary>
    public double Strength { get; }

    /// <summary>Monte Carlo mean (see the class remarks).</summary>
    public override double[] Mean => (double[])_moments.Value.Mean.Clone();

    /// <summary>Monte Carlo covariance (see the class remarks).</summary>
    public override double[,] Covariance => (double[,])_moments.Value.Covariance.Clone();

    /// <summary>The flow's node context (d x Cc, row-major float32), a copy.</summary>
    internal float[] NodeContext => (float[])_nodeContext.Clone();

    /// <summary>The flow's pair context (d x d x Cc, row-major float32), a copy.</summary>
    internal float[] PairContext => (float[])_pairContext.Clone();

    /// <summary>The shift a of the final affine (d), before the strength, a copy.</summary>
    internal float[] Shift => (float[])_shift.Clone();

    /// <summary>The bounded log-scale ℓ of the final affine (d), before the strength, a copy.</summary>
    internal float[] LogScale => (float[])_logScale.Clone();

    /// <inheritdoc />
    public override double[,] Sample(int count, int seed) => SampleWithLogDensity(count, seed).Samples;

    /// <summary>Draws samples by the forward pass and returns log q of each draw from the same pass (change of variables).</summary>
    public (double[,] Samples, double[] LogDensity) SampleWithLogDensity(int count, int seed)
    {
        CheckCount(count);
        var eps = ManagedStandardNormal.Draw(count, Dimension, seed);
        return TransformBaseDraws(eps, count);
    }

    /// <summary>
    /// The flow applied to the base draws <paramref name="eps"/> (count x d, row-major), each rounded to float32 as the
    /// torch flow takes them: the draws z and log q(z).
    /// </summary>
    internal (double[,] Samples, double[] LogDensity) TransformBaseDraws(ReadOnlySpan<double> eps, int count)
    {
        int d = Dimension;
        var z = new double[count, d];
        var logq = new double[count];
        var prepared = _prepared.Value;
        float s = (float)Strength;
        var arena = ScratchArena<float>.ForThread;
        using var scope = arena.Scope();
        var x = arena.Rent(Math.Min(Chunk, count) * d);
        var logDet = arena.Rent(Math.Min(Chunk, count));
        for (int start = 0; start < count; start += Chunk)
        {
            int n = Math.Min(Chunk, count - start);
            for (int i = 0; i < n * d; i++)
            {
                x[i] = (float)eps[start * d + i];
            }
            // log N(ε) before the flow moves the draws in place.
            for (int r = 0; r < n; r++)
            {
                logq[start + r] = StandardNormalLogDensity(x.Slice(r * d, d));
            }
            _flow.Forward(x, n, d, prepared, s, logDet);
            float scaleSum = ScaledLogScaleSum(s);
            for (int r = 0; r < n; r++)
            {
                for (int i = 0; i < d; i++)
                {
                    z[start + r, i] = x[r * d + i] * MathF.Exp(_logScale[i] * s) + _shift[i] * s;
                }
                logq[start + r] = (float)logq[start + r] - logDet[r] - scaleSum;
            }
        }
        return (z, logq);
    }

    /// <summary>log N(v; 0, I) in float32, as the torch flow evaluates its base density.</summary>
    private static float StandardNormalLogDensity(ReadOnlySpan<float> v)
    {
        float squares = 0;
        foreach (float value in v)
        {
            squares += value * value;
        }
        return (squares + v.Length * Log2Pi) * -0.5f;
    }

    /// <summary>Σ_i s·ℓ_i, the log-determinant of the final affine.</summary>
    private float ScaledLogScaleSum(float strength)
    {
        float sum = 0;
        foreach (float l in _logScale)
        {
            sum += l * strength;
        }
        return sum;
    }

    /// <inheritdoc />
    public override double[] LogDensity(double[,] points)
    {
        CheckPoints(points);
        int d = Dimension, count = points.GetLength(0);
        var result = new double[count];
        var prepared = _prepared.Value;
        float s = (float)Strength;
        var arena = ScratchArena<float>.ForThread;
        using var scope = arena.Scope();
        var x = arena.Rent(Math.Min(Chunk, count) * d);
        var logDet = arena.Rent(Math.Min(Chunk, count));
        for (int start = 0; start < count; start += Chunk)
        {
            int n = Math.Min(Chunk, count - start);
            for (int r = 0; r < n; r++)
            {
                for (int i = 0; i < d; i++)
                {
                    float sl = _logScale[i] * s;
                    x[r * d + i] = ((float)points[start + r, i] - _shift[i] * s) * MathF.Exp(-sl);
                }
            }
            _flow.Inverse(x, n, d, prepared, s, logDet);
            float scaleSum = ScaledLogScaleSum(s);
            for (int r = 0; r < n; r++)
            {
                result[start + r] = StandardNormalLogDensity(x.Slice(r * d, d)) + logDet[r] - scaleSum;
            }
        }
        return result;
    }
}
