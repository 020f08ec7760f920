using Afin.Canonical;
using Afin.Engine;
using Afin.Modelling;
using Afin.Network;
using TorchSharp;
using static Afin.Tests.Engine.EngineTestKit;
using static TorchSharp.torch;

namespace Afin.Tests.Engine;

/// <summary>
/// The managed engine against the TorchSharp network on random networks (every weight perturbed, so no layer is the
/// identity) and random problems of every d, N, prior family and likelihood family the tests cover, each problem run by
/// torch alone and in a padded batch with the other problems of its d. Every quantity must agree to
/// <see cref="EngineTestKit.Tolerance"/> in <see cref="EngineTestKit.RelativeError(ReadOnlySpan{double}, ReadOnlySpan{double})"/>.
/// </summary>
[TestClass]
public sealed class EngineEquivalenceTests
{
    /// <summary>The largest error of each quantity in the current test, written to its output.</summary>
    private readonly Dictionary<string, double> _largest = new(StringComparer.Ordinal);

    public TestContext TestContext { get; set; } = null!;

    public static IEnumerable<object[]> Kinds =>
        from architecture in new[] { AfinArchitecture.Faithful, AfinArchitecture.Pooled }
        from family in new[] { PosteriorFamily.Gaussian, PosteriorFamily.Flow }
        from coordinates in new[] { LatentCoordinates.Original, LatentCoordinates.Full }
        select new object[] { architecture, family, coordinates };

    [TestMethod]
    [DynamicData(nameof(Kinds))]
    public void ManagedEngineMatchesTorchNetwork(AfinArchitecture architecture, PosteriorFamily family, LatentCoordinates coordinates)
    {
        int seed = 100 + 10 * (int)architecture + 4 * (int)family + (int)coordinates;
        // Site refiners in the canonical kinds, deeper MLPs in the Gaussian ones: every optional path runs somewhere.
        bool refined = coordinates != LatentCoordinates.Original;
        using var torchNet = RandomNetwork(architecture, family, coordinates, seed, siteLayers: refined ? 1 : 0, mlpLayers: family == PosteriorFamily.Gaussian ? 3 : 2);
        var managed = Managed(torchNet);
        var rng = new Random(seed);
        int k = 0;
        foreach (int d in Dimensions)
        {
            var problems = SiteCounts.Select(n => CyclingProblem(rng, d, n, k++)).ToArray();
            var inputs = problems.Select(p => NetworkInput(p, coordinates)).ToArray();
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            torchNet.eval();
            using var batch = torchNet.CreateBatch(inputs);
            var together = torchNet.forward(batch);
            var posteriors = managed.Infer(problems);
            var torchPosteriors = torchNet.Infer(problems);
            for (int b = 0; b < problems.Length; b++)
            {
                string where = $"{architecture}/{family}/{coordinates}, d = {d}, N = {problems[b].ObservationCount}, prior {problems[b].Prior.Family}, sites {string.Join("+", problems[b].Blocks.Select(x => x.Family))}";
                using var alone = torchNet.CreateBatch([inputs[b]]);
                var single = torchNet.forward(alone);
                foreach (var (output, row, how) in new[] { (together, b, "batched"), (single, 0, "alone") })
                {
                    CompareOutputs(torchNet, managed, output, row, Inner(posteriors[b]), rng, $"{where}, torch {how}");
                }
                CompareFinalPosteriors(posteriors[b], torchPosteriors[b], rng, where);
            }
        }
        foreach (var (quantity, error) in _largest.OrderBy(e => e.Key, StringComparer.Ordinal))
        {
            TestContext.WriteLine($"{quantity}: largest relative error {error:E2}");
        }
    }

    /// <summary>Problem number <paramref name="k"/>: priors and likelihood families cycle so that a dozen problems hold them all.</summary>
    private static BayesianProblem CyclingProblem(Random rng, int d, int sites, int k)
    {
        var prior = TestProblems.RandomPrior(rng, TestProblems.PriorFamilies[k % TestProblems.PriorFamilies.Length], d);
        int blocks = sites == 0 ? 0 : Math.Min(sites, 1 + k % 3);
        var list = new List<ObservationBlock>();
        int left = sites;
        for (int b = 0; b < blocks; b++)
        {
            int n = b == blocks - 1 ? left : Math.Max(1, left / (blocks - b));
            left -= n;
            list.Add(Block(rng, LikelihoodFamilies[(2 * k + b) % LikelihoodFamilies.Length], d, n));
        }
        return BayesianProblem.Create(prior, list, d);
    }

    private static double[] Row(Tensor t, int row) => t[row].to(ScalarType.Float64).contiguous().cpu().data<double>().ToArray();

    /// <summary>The network's raw outputs for one problem (decoder parameters, flow transform and density) against torch's.</summary>
    private void CompareOutputs(AfinNetwork torchNet, ManagedAfinNetwork managedNet, NetworkOutput output, int row, AfinPosterior managed, Random rng, string where)
    {
        int d = managed.Dimension;
        if (output.Family == PosteriorFamily.Gaussian)
        {
            var q = (GaussianAfinPosterior)managed;
            AssertClose(RelativeError(q.Mean, Row(output.Mean!, row)), where, "mean", _largest);
            AssertClose(RelativeError(Flatten(q.PrecisionCholesky), Row(output.PrecisionCholesky!, row)), where, "precision Cholesky", _largest);
            return;
        }
        var flow = (ManagedFlowPosterior)managed;
        AssertClose(RelativeError(flow.NodeContext, Row(output.NodeContext!, row)), where, "node context", _largest);
        AssertClose(RelativeError(flow.PairContext, Row(output.PairContext!, row)), where, "pair context", _largest);
        AssertClose(RelativeError(flow.Shift, Row(output.Shift!, row)), where, "shift", _largest);
        AssertClose(RelativeError(flow.LogScale, Row(output.LogScale!, row)), where, "log-scale", _largest);

        // The flows themselves, on the same contexts (torch's) and the same base draws: the draws and log q from the
        // forward pass, then log q by the inverse pass. Given equal inputs they agree to float32 rounding (~1e-7); the
        // contexts' own rounding, amplified through the couplings, is in the final log density compared later.
        static float[] Floats(Tensor t) => t.to(ScalarType.Float32).contiguous().cpu().data<float>().ToArray();
        var sameInputs = managedNet.FlowPosterior(d, Floats(output.NodeContext![row]), Floats(output.PairContext![row]), Floats(output.Shift![row]), Floats(output.LogScale![row]));
        const int draws = 6;
        var eps = TestProblems.RandomVector(rng, draws * d);
        var (z, logq) = sameInputs.TransformBaseDraws(eps, draws);
        var nodeCtx = output.NodeContext![row].unsqueeze(0);
        var pairCtx = output.PairContext![row].unsqueeze(0);
        var shift = output.Shift![row].unsqueeze(0);
        var logScale = output.LogScale![row].unsqueeze(0);
        var epsTensor = tensor(eps, ScalarType.Float64).view(draws, d).to(ScalarType.Float32);
        var (torchZ, torchLogq) = torchNet.FlowSample(epsTensor, nodeCtx, pairCtx, shift, logScale, flow.Strength);
        AssertClose(RelativeError(Flatten(z), torchZ.to(ScalarType.Float64).data<double>().ToArray()), where, "draws of given base draws", _largest);
        AssertClose(RelativeError(logq, torchLogq.to(ScalarType.Float64).data<double>().ToArray()), where, "log q of the draws", _largest);
        var points = NetworkTestKitPoints(rng, z);
        var torchDensity = torchNet.FlowLogProb(tensor(Flatten(points), ScalarType.Float64).view(points.GetLength(0), d).to(ScalarType.Float32),
            nodeCtx, pairCtx, shift, logScale, flow.Strength);
        AssertClose(RelativeError(sameInputs.LogDensity(points), torchDensity.to(ScalarType.Float64).data<double>().ToArray()), where, "log density", _largest);
    }

    /// <summary>The draws themselves and as many random points around them.</summary>
    private static double[,] NetworkTestKitPoints(Random rng, double[,] draws)
    {
        int n = draws.GetLength(0), d = draws.GetLength(1);
        var points = new double[2 * n, d];
        for (int r = 0; r < n; r++)
        {
            for (int i = 0; i < d; i++)
            {
                points[r, i] = draws[r, i];
                points[n + r, i] = draws[r, i] + TestProblems.Normal(rng);
            }
        }
        return points;
    }

    /// <summary>The posteriors users get (mapped back from canonical coordinates where the network works in them).</summary>
    private void CompareFinalPosteriors(AfinPosterior managed, AfinPosterior torch, Random rng, string where)
    {
        Assert.AreEqual(torch.Family, managed.Family, where);
        Assert.AreEqual(torch is CanonicalAfinPosterior, managed is CanonicalAfinPosterior, where);
        var points = TestProblems.RandomMatrix(rng, 5, managed.Dimension);
        AssertClose(RelativeError(managed.LogDensity(points), torch.LogDensity(points)), where, "final log density", _largest);
        if (managed.Family == PosteriorFamily.Gaussian)
        {
            AssertClose(RelativeError(managed.Mean, torch.Mean), where, "final mean", _largest);
            AssertClose(RelativeError(managed.Covariance, torch.Covariance), where, "final covariance", _largest);
        }
    }
}
