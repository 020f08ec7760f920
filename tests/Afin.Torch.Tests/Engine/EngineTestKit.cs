using Afin.Canonical;
using Afin.Engine;
using Afin.Modelling;
using Afin.Network;
using Afin.Persistence;
using Afin.Tests.Network;

namespace Afin.Tests.Engine;

/// <summary>Random networks and problems for comparing the managed engine with the TorchSharp network.</summary>
internal static class EngineTestKit
{
    /// <summary>The agreement every equivalence test asks for: float32 rounding over a few layers.</summary>
    internal const double Tolerance = 1e-5;

    /// <summary>The dimensions and site counts the equivalence tests cover.</summary>
    internal static readonly int[] Dimensions = [1, 2, 5, 9];

    internal static readonly int[] SiteCounts = [0, 1, 7, 40];

    /// <summary>The likelihood families of feature version 3, including the Laplace-error sites of canonical coordinates.</summary>
    internal static readonly string[] LikelihoodFamilies = [.. TestProblems.BlockFamilies, "linear_laplace"];

    /// <summary>
    /// max|a - b| / max(1, max|b|): the error relative to the reference's scale, absolute where its entries are below 1
    /// (float32 rounding is relative to the magnitudes summed, not to a result that cancels to near zero).
    /// </summary>
    internal static double RelativeError(ReadOnlySpan<double> actual, ReadOnlySpan<double> expected)
    {
        Assert.AreEqual(expected.Length, actual.Length, "lengths differ");
        double diff = 0, scale = 1;
        for (int i = 0; i < expected.Length; i++)
        {
            diff = Math.Max(diff, Math.Abs(actual[i] - expected[i]));
            scale = Math.Max(scale, Math.Abs(expected[i]));
            if (double.IsNaN(actual[i]) != double.IsNaN(expected[i]))
            {
                return double.PositiveInfinity;
            }
        }
        return diff / scale;
    }

    internal static double RelativeError(double[,] actual, double[,] expected) =>
        RelativeError(actual.Cast<double>().ToArray(), expected.Cast<double>().ToArray());

    internal static double RelativeError(float[] actual, double[] expected) =>
        RelativeError(actual.Select(v => (double)v).ToArray(), expected);

    internal static void AssertClose(double error, string what) =>
        Assert.IsLessThanOrEqualTo(Tolerance, error, $"{what}: relative error {error:E2} exceeds {Tolerance:E0}");

    /// <summary>Asserts <paramref name="error"/> and records it as the largest of its <paramref name="quantity"/> so far.</summary>
    internal static void AssertClose(double error, string where, string quantity, IDictionary<string, double> largest)
    {
        largest[quantity] = Math.Max(error, largest.TryGetValue(quantity, out var seen) ? seen : 0);
        AssertClose(error, $"{where}: {quantity}");
    }

    /// <summary>A tiny network of every kind the tests vary, with random weights everywhere (zero-initialised layers too).</summary>
    internal static AfinNetwork RandomNetwork(AfinArchitecture architecture, PosteriorFamily family, LatentCoordinates coordinates, int seed,
        int siteLayers = 0, int mlpLayers = 2)
    {
        var options = NetworkTestKit.Tiny(family) with
        {
            Architecture = architecture,
            Coordinates = coordinates,
            FeatureVersion = AfinNetworkOptions.LatestFeatureVersion,
            SiteLayers = siteLayers,
            MlpLayers = mlpLayers,
        };
        return NetworkTestKit.Perturbed(options, seed);
    }

    /// <summary>The managed twin of <paramref name="network"/>, read from its saved weights.</summary>
    internal static ManagedAfinNetwork Managed(AfinNetwork network) =>
        ManagedAfinNetwork.FromStateDict(network.Options, ModuleWeights.Save(network), "test network", network.FlowStrength);

    /// <summary>
    /// A random problem: a random prior family and <paramref name="sites"/> sites spread over one to three random
    /// likelihood families (the Laplace-error family only where <paramref name="withLaplaceSites"/>).
    /// </summary>
    internal static BayesianProblem RandomProblem(Random rng, int d, int sites, bool withLaplaceSites = true)
    {
        var prior = TestProblems.PriorFamilies[rng.Next(TestProblems.PriorFamilies.Length)];
        var families = withLaplaceSites ? LikelihoodFamilies : TestProblems.BlockFamilies;
        int blockCount = sites == 0 ? 0 : Math.Min(sites, 1 + rng.Next(3));
        var blocks = new List<ObservationBlock>();
        int left = sites;
        for (int b = 0; b < blockCount; b++)
        {
            int n = b == blockCount - 1 ? left : 1 + rng.Next(left - (blockCount - 1 - b));
            left -= n;
            blocks.Add(Block(rng, families[rng.Next(families.Length)], d, n));
        }
        return BayesianProblem.Create(TestProblems.RandomPrior(rng, prior, d), blocks, d);
    }

    /// <summary>A block of any family, the Laplace-error one included (the shared test problems leave it out).</summary>
    internal static ObservationBlock Block(Random rng, string family, int d, int n)
    {
        if (family != "linear_laplace")
        {
            return TestProblems.RandomBlock(rng, family, d, n);
        }
        return new LinearLaplaceBlock(TestProblems.RandomMatrix(rng, n, d, 0.8), TestProblems.RandomVector(rng, n), TestProblems.RandomVector(rng, n, 0.05, 0.6));
    }

    /// <summary>What the network itself is given for a problem: the problem, or its canonical twin.</summary>
    internal static BayesianProblem NetworkInput(BayesianProblem problem, LatentCoordinates coordinates) =>
        coordinates == LatentCoordinates.Original ? problem : CanonicalFrame.Create(problem, coordinates).Problem;

    /// <summary>The network's own posterior inside a canonical one.</summary>
    internal static AfinPosterior Inner(AfinPosterior posterior) => posterior is CanonicalAfinPosterior canonical ? canonical.Canonical : posterior;

    internal static double[] Flatten(double[,] m) => m.Cast<double>().ToArray();
}
