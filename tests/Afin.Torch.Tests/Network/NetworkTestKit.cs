using Afin.Modelling;
using Afin.Network;
using TorchSharp;
using static TorchSharp.torch;

namespace Afin.Tests.Network;

/// <summary>Tiny networks, perturbed weights and coordinate permutations for the network tests.</summary>
internal static class NetworkTestKit
{
    internal static AfinNetworkOptions Tiny(PosteriorFamily family, int flowSteps = 2) => new()
    {
        FeatureWidth = 8,
        AdapterHidden = 16,
        BoxHidden = 16,
        MlpLayers = 2,
        EncoderLayers = 1,
        MergeHidden = 16,
        MergeBlocks = 2,
        DecoderHidden = 16,
        DecoderLayers = 2,
        Family = family,
        FlowHidden = 8,
        FlowContext = 8,
        FlowLayers = 2,
        FlowSteps = flowSteps,
    };

    /// <summary>A seeded network whose parameters (including the zero-initialised ones) get small random offsets.</summary>
    internal static AfinNetwork Perturbed(AfinNetworkOptions options, int seed = 7, double scale = 0.15)
    {
        torch.manual_seed(seed);
        var net = new AfinNetwork(options);
        using var noGrad = no_grad();
        foreach (var p in net.parameters())
        {
            p.add_(randn_like(p) * scale);
        }
        return net;
    }

    internal static BayesianProblem Mixed(Random rng, int d, string prior, params (string Family, int Count)[] blocks) =>
        BayesianProblem.Create(TestProblems.RandomPrior(rng, prior, d),
            blocks.Select(b => TestProblems.RandomBlock(rng, b.Family, d, b.Count)).ToArray(), d);

    /// <summary>The problem in coordinates z' = z[perm] (new coordinate a is old coordinate perm[a]).</summary>
    internal static BayesianProblem Permute(BayesianProblem problem, int[] perm)
    {
        double[] V(double[] v) => perm.Select(i => v[i]).ToArray();
        double[,] Cols(double[,] m)
        {
            var r = new double[m.GetLength(0), perm.Length];
            for (int n = 0; n < m.GetLength(0); n++)
            {
                for (int a = 0; a < perm.Length; a++)
                {
                    r[n, a] = m[n, perm[a]];
                }
            }
            return r;
        }
        Prior prior = problem.Prior switch
        {
            GaussianPrior g => new GaussianPrior(V(g.Loc), V(g.Scale)),
            LaplacePrior l => new LaplacePrior(V(l.Loc), V(l.Scale)),
            StudentTPrior t => new StudentTPrior(V(t.Loc), V(t.Scale), V(t.Df)),
            FullRankGaussianPrior f => new FullRankGaussianPrior(V(f.Loc), PermuteMatrix(f.Precision, perm)),
            _ => throw new NotSupportedException(),
        };
        var blocks = problem.Blocks.Select<ObservationBlock, ObservationBlock>(b => b switch
        {
            LinearGaussianBlock g => new LinearGaussianBlock(Cols(g.X), g.Y, g.Sigma),
            LinearStudentTBlock t => new LinearStudentTBlock(Cols(t.X), t.Y, t.Sigma, t.Df),
            BernoulliLogitBlock be => new BernoulliLogitBlock(Cols(be.X), be.Y, be.Offset),
            BinomialLogitBlock bi => new BinomialLogitBlock(Cols(bi.X), bi.Y, bi.TotalCount, bi.Offset),
            PoissonLogBlock po => new PoissonLogBlock(Cols(po.X), po.Y, po.Offset),
            DirectGaussianBlock dg => new DirectGaussianBlock(Cols(dg.Y), dg.Sigma),
            _ => throw new NotSupportedException(),
        }).ToArray();
        return BayesianProblem.Create(prior, blocks, problem.Dimension);
    }

    internal static double[,] PermuteMatrix(double[,] m, int[] perm)
    {
        int d = perm.Length;
        var r = new double[d, d];
        for (int a = 0; a < d; a++)
        {
            for (int b = 0; b < d; b++)
            {
                r[a, b] = m[perm[a], perm[b]];
            }
        }
        return r;
    }

    internal static double MaxAbsDiff(double[] a, double[] b) => a.Zip(b, (x, y) => Math.Abs(x - y)).Max();

    internal static double MaxAbsDiff(double[,] a, double[,] b)
    {
        double m = 0;
        for (int i = 0; i < a.GetLength(0); i++)
        {
            for (int j = 0; j < a.GetLength(1); j++)
            {
                m = Math.Max(m, Math.Abs(a[i, j] - b[i, j]));
            }
        }
        return m;
    }

    internal static double MaxAsymmetry(Tensor pair) =>
        (pair - pair.transpose(-3, -2)).abs().max().ToDouble();

    internal static double[,] RandomPoints(Random rng, int n, int d, double scale = 1) => TestProblems.RandomMatrix(rng, n, d, scale);
}
