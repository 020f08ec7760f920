using Afin.Metrics;

namespace Afin.Tests.Metrics;

[TestClass]
public sealed class SlicedWassersteinTests
{
    [TestMethod]
    public void IsZeroForIdenticalSetsInAnyRowOrder()
    {
        var x = RandomSamples(40, 4, seed: 1);
        var y = new double[40, 4];
        for (int i = 0; i < 40; i++)
        {
            for (int j = 0; j < 4; j++)
            {
                y[i, j] = x[39 - i, j];
            }
        }
        Assert.AreEqual(0.0, SlicedWasserstein.Distance(x, y));
    }

    [TestMethod]
    public void InOneDimensionAShiftByCGivesC()
    {
        // d = 1: every direction is +1 or -1, and 1-d W2 is invariant under reflection of both sets.
        double c = 2.5;
        var x = Column(0, 1, 3, 7, -4);
        var y = Column(2.5, 3.5, 5.5, 9.5, -1.5);
        Assert.AreEqual(c, SlicedWasserstein.Distance(x, y), 1e-14);
    }

    [TestMethod]
    public void InOneDimensionUnequalSizesIntegrateQuantileFunctionsExactly()
    {
        // {0, 1} and {0, 0, 1, 1} are the same empirical distribution.
        Assert.AreEqual(0.0, SlicedWasserstein.Distance(Column(0, 1), Column(0, 0, 1, 1)));
        // {0} vs {0, 2}: half the mass moves by 2, W2^2 = 2.
        Assert.AreEqual(Math.Sqrt(2), SlicedWasserstein.Distance(Column(0), Column(0, 2)), 1e-15);
        // {0, 1, 2} vs {0, 3}: breakpoints 1/3, 1/2, 2/3 give 1/6 * 1 + 1/6 * 4 + 1/3 * 1 = 7/6.
        Assert.AreEqual(Math.Sqrt(7.0 / 6), SlicedWasserstein.Distance(Column(2, 0, 1), Column(3, 0)), 1e-14);
        // Order of the arguments does not matter.
        Assert.AreEqual(Math.Sqrt(7.0 / 6), SlicedWasserstein.Distance(Column(3, 0), Column(0, 1, 2)), 1e-14);
    }

    [TestMethod]
    public void DuplicatingEveryPointInSeveralDimensionsGivesZero()
    {
        var x = RandomSamples(7, 3, seed: 2);
        var y = new double[14, 3];
        for (int i = 0; i < 14; i++)
        {
            for (int j = 0; j < 3; j++)
            {
                y[i, j] = x[i % 7, j];
            }
        }
        Assert.AreEqual(0.0, SlicedWasserstein.Distance(x, y));
    }

    [TestMethod]
    public void ConstantShiftGivesRootMeanSquaredProjectedShift()
    {
        double[] v = [1, -2, 0.5];
        var x = RandomSamples(30, 3, seed: 3);
        var y = Shift(x, v);
        const int projections = 200;
        var u = RandomDirections.Draw(projections, 3, 0);
        double sum = 0;
        for (int l = 0; l < projections; l++)
        {
            double dot = u[l, 0] * v[0] + u[l, 1] * v[1] + u[l, 2] * v[2];
            sum += dot * dot;
        }
        Assert.AreEqual(Math.Sqrt(sum / projections), SlicedWasserstein.Distance(x, y), 1e-12);
    }

    [TestMethod]
    public void ConstantShiftApproachesNormOverRootDimensionForManyDirections()
    {
        // For u uniform on S^2, E[(u.v)^2] = |v|^2 / 3 and sd((u.v)^2) = |v|^2 sqrt(4/45); with L = 20000 the mean of
        // (u.v)^2 has relative sd 0.894 / sqrt(L) = 0.0063, so SW has relative sd about 0.0032; allow 4 sd.
        double[] v = [1, -2, 0.5];
        var x = RandomSamples(5, 3, seed: 4);
        double sw = SlicedWasserstein.Distance(x, Shift(x, v), projections: 20000, seed: 7);
        double expected = Math.Sqrt(1 + 4 + 0.25) / Math.Sqrt(3);
        Assert.AreEqual(expected, sw, 4 * 0.0032 * expected);
    }

    [TestMethod]
    public void IsDeterministicForASeed()
    {
        var x = RandomSamples(25, 5, seed: 5);
        var y = RandomSamples(31, 5, seed: 6);
        double first = SlicedWasserstein.Distance(x, y, projections: 50, seed: 11);
        Assert.AreEqual(first, SlicedWasserstein.Distance(x, y, projections: 50, seed: 11));
        Assert.AreNotEqual(first, SlicedWasserstein.Distance(x, y, projections: 50, seed: 12));
        Assert.AreEqual(SlicedWasserstein.Distance(x, y), SlicedWasserstein.Distance(x, y, SlicedWasserstein.DefaultProjections, SlicedWasserstein.DefaultSeed));
    }

    [TestMethod]
    public void DirectionsAreUnitVectorsThatAreBitIdenticalAcrossMachines()
    {
        var u = RandomDirections.Draw(1000, 3, 0);
        double[] mean = new double[3];
        for (int l = 0; l < 1000; l++)
        {
            double norm2 = 0;
            for (int j = 0; j < 3; j++)
            {
                norm2 += u[l, j] * u[l, j];
                mean[j] += u[l, j] / 1000;
            }
            Assert.AreEqual(1.0, norm2, 1e-15);
        }
        // Uniform on the sphere: each coordinate has mean 0 and sd 1/sqrt(3), so the mean of 1000 has sd 0.018.
        foreach (double m in mean)
        {
            Assert.AreEqual(0.0, m, 4 * 0.018);
        }
        // Golden values: SplitMix64 and the arithmetic-only polar method use no platform maths library, so these
        // bits must not change between machines, operating systems or runtimes.
        Assert.AreEqual(GoldenFirstDirection, string.Join(" ", Enumerable.Range(0, 3).Select(j => BitConverter.DoubleToInt64Bits(u[0, j]).ToString("X16"))));
        Assert.AreEqual(GoldenSecondDirection, string.Join(" ", Enumerable.Range(0, 3).Select(j => BitConverter.DoubleToInt64Bits(u[1, j]).ToString("X16"))));
    }

    [TestMethod]
    public void SplitMix64MatchesReferenceOutput()
    {
        // Reference SplitMix64 (Vigna's splitmix64.c) seeded with 0 starts 0xE220A8397B1DCDAF, 0x6E789E6AA1B965F4.
        var generator = new ReproducibleNormal(0);
        Assert.AreEqual(0xE220A8397B1DCDAFUL, generator.NextUInt64());
        Assert.AreEqual(0x6E789E6AA1B965F4UL, generator.NextUInt64());
    }

    [TestMethod]
    public void UnequalSizeW2EqualsEqualSizeW2OfReplicatedSets()
    {
        // Repeating each of n points m/g times and each of m points n/g times (g = gcd) leaves both empirical
        // distributions unchanged and makes the sizes equal, where W2^2 is the mean squared sorted difference.
        var random = new Random(8);
        double[] a = Enumerable.Range(0, 6).Select(_ => random.NextDouble()).ToArray();
        double[] b = Enumerable.Range(0, 10).Select(_ => 3 * random.NextDouble()).ToArray();
        double[] aRep = a.SelectMany(v => Enumerable.Repeat(v, 5)).ToArray();
        double[] bRep = b.SelectMany(v => Enumerable.Repeat(v, 3)).ToArray();
        double expected = Wasserstein1D.SquaredSortInPlace(aRep, bRep);
        Assert.AreEqual(expected, Wasserstein1D.SquaredSortInPlace(a, b), 1e-14 * expected);
        Assert.AreEqual(expected, Wasserstein1D.SquaredSortInPlace(b, a), 1e-14 * expected);
    }

    [TestMethod]
    public void ReproducibleNormalHasStandardMoments()
    {
        // n = 100000 draws: the mean has sd 0.0032 and the variance sd sqrt(2 / n) = 0.0045; allow 4 sd.
        const int n = 100000;
        var generator = new ReproducibleNormal(42);
        double sum = 0, sumSq = 0;
        for (int i = 0; i < n; i++)
        {
            double z = generator.NextStandardNormal();
            sum += z;
            sumSq += z * z;
        }
        Assert.AreEqual(0.0, sum / n, 4 * Math.Sqrt(1.0 / n));
        Assert.AreEqual(1.0, sumSq / n, 4 * Math.Sqrt(2.0 / n));
    }

    [TestMethod]
    public void ReproducibleLogMatchesMathLog()
    {
        foreach (double x in new[] { 1e-30, 1e-10, 0.001, 0.1, 0.5, 0.7071, 0.70711, 0.9, 0.999999, 1, 1.0000001, 1.5, 2, 3, 1e10, 1e300 })
        {
            double expected = Math.Log(x);
            Assert.AreEqual(expected, ReproducibleNormal.Log(x), 4e-16 * Math.Abs(expected), $"x = {x}");
        }
    }

    [TestMethod]
    public void RejectsMismatchedDimensionsAndBadProjectionCount()
    {
        var e = Assert.ThrowsExactly<ArgumentException>(() => SlicedWasserstein.Distance(new double[3, 2], new double[3, 4]));
        Assert.AreEqual("y", e.ParamName);
        Assert.Contains("y has 4 columns but x has 2", e.Message);
        e = Assert.ThrowsExactly<ArgumentException>(() => SlicedWasserstein.Distance(new double[3, 2], new double[3, 2], projections: 0));
        Assert.Contains("projections is 0; expected at least 1", e.Message);
        e = Assert.ThrowsExactly<ArgumentException>(() => SlicedWasserstein.Distance(new double[0, 2], new double[3, 2]));
        Assert.Contains("x is 0 x 2; expected at least one row", e.Message);
    }

    private const string GoldenFirstDirection = "3FE9A95D748DFF90 BFC25606475ED93A BFE28F55EA7B8E5C";
    private const string GoldenSecondDirection = "BFD7078B3FA7AA63 BFE6F1C1FB5E4302 3FE31AA6D82C17AE";

    private static double[,] Column(params double[] values)
    {
        var m = new double[values.Length, 1];
        for (int i = 0; i < values.Length; i++)
        {
            m[i, 0] = values[i];
        }
        return m;
    }

    private static double[,] RandomSamples(int n, int d, int seed)
    {
        var random = new Random(seed);
        var m = new double[n, d];
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < d; j++)
            {
                m[i, j] = 4 * random.NextDouble() - 2;
            }
        }
        return m;
    }

    private static double[,] Shift(double[,] x, double[] v)
    {
        var y = (double[,])x.Clone();
        for (int i = 0; i < x.GetLength(0); i++)
        {
            for (int j = 0; j < v.Length; j++)
            {
                y[i, j] += v[j];
            }
        }
        return y;
    }
}
