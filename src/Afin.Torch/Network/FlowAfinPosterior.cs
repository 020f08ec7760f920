using static TorchSharp.torch;

namespace Afin.Network;

/// <summary>
/// A flow posterior for one problem. It keeps that problem's decoder context (node and pair context, final affine)
/// as managed double arrays plus a reference to the network's flow modules, so it stays usable after
/// <see cref="AfinNetwork.Infer"/> returns and owns no native resources (nothing to dispose).
/// Sampling and density evaluation run the network's <em>current</em> flow weights under no_grad on the network's
/// device, with the flow strength captured at inference time; the network must not be disposed meanwhile, and its
/// weights should not be changed if results are to stay consistent. Calls are serialised on a lock shared with the
/// network's other flow posteriors, so concurrent use from several threads is safe (but not parallel).
/// <see cref="Mean"/> and <see cref="Covariance"/> are Monte Carlo estimates from <see cref="MomentSampleCount"/> draws
/// with the fixed seed <see cref="MomentSeed"/> (covariance with divisor n - 1), computed once and cached.
/// </summary>
public sealed class FlowAfinPosterior : AfinPosterior
{
    /// <summary>Number of draws behind <see cref="Mean"/> and <see cref="Covariance"/>.</summary>
    public const int MomentSampleCount = FlowMoments.SampleCount;

    /// <summary>Seed of the draws behind <see cref="Mean"/> and <see cref="Covariance"/>.</summary>
    public const int MomentSeed = FlowMoments.Seed;

    private const int Chunk = 4096;
    private readonly AfinNetwork _network;
    private readonly double[] _nodeContext;
    private readonly double[] _pairContext;
    private readonly double[] _shift;
    private readonly double[] _logScale;
    private readonly int _contextDim;
    private readonly Lazy<(double[] Mean, double[,] Covariance)> _moments;

    internal FlowAfinPosterior(AfinNetwork network, int dimension, int contextDim, double[] nodeContext, double[] pairContext,
        double[] shift, double[] logScale, double strength) : base(dimension)
    {
        _network = network;
        _contextDim = contextDim;
        _nodeContext = nodeContext;
        _pairContext = pairContext;
        _shift = shift;
        _logScale = logScale;
        Strength = strength;
        _moments = new Lazy<(double[], double[,])>(ComputeMoments);
    }

    /// <inheritdoc />
    public override PosteriorFamily Family => PosteriorFamily.Flow;

    /// <summary>The flow strength s captured from <see cref="AfinNetwork.FlowStrength"/> at inference time.</summary>
    public double Strength { get; }

    /// <summary>Monte Carlo mean (see the class remarks).</summary>
    public override double[] Mean => (double[])_moments.Value.Mean.Clone();

    /// <summary>Monte Carlo covariance (see the class remarks).</summary>
    public override double[,] Covariance => (double[,])_moments.Value.Covariance.Clone();

    /// <inheritdoc />
    public override double[,] Sample(int count, int seed) => SampleWithLogDensity(count, seed).Samples;

    /// <summary>
    /// Draws samples by the forward pass and returns log q of each draw from the same pass (change of variables).
    /// </summary>
    public (double[,] Samples, double[] LogDensity) SampleWithLogDensity(int count, int seed)
    {
        CheckCount(count);
        int d = Dimension;
        var eps = TorchStandardNormal.Draw(count, d, seed);
        var z = new double[count, d];
        var logq = new double[count];
        lock (_network.FlowLock)
        {
            using var noGrad = no_grad();
            for (int start = 0; start < count; start += Chunk)
            {
                using var scope = NewDisposeScope();
                int n = Math.Min(Chunk, count - start);
                var (nodeCtx, pairCtx, shift, logScale) = ContextTensors();
                var e = tensor(eps.AsSpan(start * d, n * d).ToArray(), device: _network.Device).view(n, d).to(_network.ParameterType);
                var (zt, lq) = _network.FlowSample(e, nodeCtx, pairCtx, shift, logScale, Strength);
                var zs = zt.to(ScalarType.Float64).cpu().data<double>().ToArray();
                var ls = lq.to(ScalarType.Float64).cpu().data<double>().ToArray();
                for (int r = 0; r < n; r++)
                {
                    for (int i = 0; i < d; i++)
                    {
                        z[start + r, i] = zs[r * d + i];
                    }
                    logq[start + r] = ls[r];
                }
            }
        }
        return (z, logq);
    }

    /// <inheritdoc />
    public override double[] LogDensity(double[,] points)
    {
        CheckPoints(points);
        int d = Dimension, count = points.GetLength(0);
        var result = new double[count];
        lock (_network.FlowLock)
        {
            using var noGrad = no_grad();
            for (int start = 0; start < count; start += Chunk)
            {
                using var scope = NewDisposeScope();
                int n = Math.Min(Chunk, count - start);
                var flat = new double[n * d];
                for (int r = 0; r < n; r++)
                {
                    for (int i = 0; i < d; i++)
                    {
                        flat[r * d + i] = points[start + r, i];
                    }
                }
                var (nodeCtx, pairCtx, shift, logScale) = ContextTensors();
                var zt = tensor(flat, device: _network.Device).view(n, d).to(_network.ParameterType);
                var lq = _network.FlowLogProb(zt, nodeCtx, pairCtx, shift, logScale, Strength);
                lq.to(ScalarType.Float64).cpu().data<double>().ToArray().CopyTo(result, start);
            }
        }
        return result;
    }

    private (Tensor Node, Tensor Pair, Tensor Shift, Tensor LogScale) ContextTensors()
    {
        int d = Dimension;
        var device = _network.Device;
        var dtype = _network.ParameterType;
        return (tensor(_nodeContext, device: device).view(1, d, _contextDim).to(dtype),
            tensor(_pairContext, device: device).view(1, d, d, _contextDim).to(dtype),
            tensor(_shift, device: device).view(1, d).to(dtype),
            tensor(_logScale, device: device).view(1, d).to(dtype));
    }

    private (double[], double[,]) ComputeMoments() => FlowMoments.Of(Sample(MomentSampleCount, MomentSeed));
}
