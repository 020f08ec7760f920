using Afin.Simulation.Modules;
using TorchSharp;
using static TorchSharp.torch;

namespace Afin.Tests.Simulation;

/// <summary>The rational-quadratic spline is monotone, exactly invertible and reports the right log-derivative.</summary>
[TestClass]
public sealed class RationalQuadraticSplineTests
{
    private const double Bound = 5.0;
    private const int Bins = 8;

    /// <summary>
    /// Points spanning both tails, the interval and its exact ends, each with its own random spline. Unit-scale
    /// parameters give bins of visibly different widths, heights and slopes; much larger ones make bins whose interior
    /// derivative falls to ~1e-5 (it goes as the square of a small bin slope), where no float32 inverse can recover x
    /// to 1e-4 because y itself only carries ~1e-7 relative precision.
    /// </summary>
    private static (Tensor X, Tensor Raw) RandomSplines(int seed, ScalarType dtype, double paramScale = 1.0)
    {
        manual_seed(seed);
        var inside = linspace(-Bound, Bound, 401, dtype: dtype);
        var tails = tensor(new[] { -40.0, -8.0, -5.0001, 5.0001, 8.0, 40.0 }, dtype: dtype);
        var x = cat([inside, tails]);
        var raw = randn([x.shape[0], RationalQuadraticSpline.ParameterCount(Bins)], dtype: dtype) * paramScale;
        return (x, raw);
    }

    [TestMethod]
    public void InverseOfForwardIsIdentityIncludingTails()
    {
        using var scope = NewDisposeScope();
        // Half-unit parameters: a spline clearly away from the identity whose flattest bins still have slopes well
        // above 1e-3, so the float32 round trip is limited by arithmetic rather than by the map's conditioning
        // (x is recoverable only to ~ulp(y) / (dy/dx); ForwardOfInverseIsIdentity covers the steeper unit-scale splines).
        var (x, raw) = RandomSplines(11, ScalarType.Float32, paramScale: 0.5);
        var (y, logDet) = RationalQuadraticSpline.Forward(x, raw, Bound);
        var (back, inverseLogDet) = RationalQuadraticSpline.Inverse(y, raw, Bound);

        Assert.IsLessThan(1e-4, (back - x).abs().max().ToDouble());
        Assert.IsLessThan(1e-3, (logDet + inverseLogDet).abs().max().ToDouble());
        Assert.IsTrue(logDet.isfinite().all().ToBoolean());
        // The spline is not the identity inside, and is exactly the identity (log|det| 0) in the tails.
        Assert.IsGreaterThan(0.1, (y - x).narrow(0, 0, 401).abs().max().ToDouble());
        var tailX = x.narrow(0, 401, 6);
        Assert.AreEqual(0.0, (y.narrow(0, 401, 6) - tailX).abs().max().ToDouble());
        Assert.AreEqual(0.0, logDet.narrow(0, 401, 6).abs().max().ToDouble());
        // The interval's ends are fixed points, so the map is continuous where it meets the tails.
        Assert.AreEqual(-Bound, y[0].ToDouble(), 1e-5);
        Assert.AreEqual(Bound, y[400].ToDouble(), 1e-5);
    }

    [TestMethod]
    public void ForwardOfInverseIsIdentity()
    {
        using var scope = NewDisposeScope();
        var (y, raw) = RandomSplines(12, ScalarType.Float32);
        var (x, _) = RationalQuadraticSpline.Inverse(y, raw, Bound);
        var (again, _) = RationalQuadraticSpline.Forward(x, raw, Bound);
        Assert.IsLessThan(1e-4, (again - y).abs().max().ToDouble());
    }

    [TestMethod]
    public void InverseIsExactInFloat64EvenForExtremeSplines()
    {
        using var scope = NewDisposeScope();
        var (x, raw) = RandomSplines(17, ScalarType.Float64, paramScale: 3.0);
        var (y, logDet) = RationalQuadraticSpline.Forward(x, raw, Bound);
        var (back, inverseLogDet) = RationalQuadraticSpline.Inverse(y, raw, Bound);
        Assert.IsLessThan(1e-8, (back - x).abs().max().ToDouble());
        Assert.IsLessThan(1e-8, (logDet + inverseLogDet).abs().max().ToDouble());
    }

    [TestMethod]
    public void SplineIsStrictlyIncreasing()
    {
        using var scope = NewDisposeScope();
        manual_seed(13);
        var raw = (randn(RationalQuadraticSpline.ParameterCount(Bins)) * 2).expand(2001, RationalQuadraticSpline.ParameterCount(Bins));
        var x = linspace(-7, 7, 2001);
        var (y, _) = RationalQuadraticSpline.Forward(x, raw, Bound);
        Assert.IsGreaterThan(0.0, (y.narrow(0, 1, 2000) - y.narrow(0, 0, 2000)).min().ToDouble());
    }

    [TestMethod]
    public void LogDetEqualsFiniteDifferenceDerivative()
    {
        // Float64, where a central difference is accurate to ~1e-9; the spline code is the same for every dtype.
        const double step = 1e-7;
        using var scope = NewDisposeScope();
        var (x, raw) = RandomSplines(14, ScalarType.Float64);
        var (y, logDet) = RationalQuadraticSpline.Forward(x, raw, Bound);
        var (up, _) = RationalQuadraticSpline.Forward(x + step, raw, Bound);
        var (down, _) = RationalQuadraticSpline.Forward(x - step, raw, Bound);
        var fd = ((up - down) / (2 * step)).log();
        // Compared as log-derivatives (relative error). The spline is C¹, so central differences converge even at
        // knots and at ±B, where it meets the identity tails.
        Assert.IsLessThan(1e-5, (fd - logDet).abs().max().ToDouble());
        var (_, inverseLogDet) = RationalQuadraticSpline.Inverse(y, raw, Bound);
        Assert.IsLessThan(1e-5, (fd + inverseLogDet).abs().max().ToDouble());
    }

    [TestMethod]
    public void Float32AgreesWithFloat64()
    {
        using var scope = NewDisposeScope();
        var (x, raw) = RandomSplines(16, ScalarType.Float64);
        var (y64, ld64) = RationalQuadraticSpline.Forward(x, raw, Bound);
        var (y32, ld32) = RationalQuadraticSpline.Forward(x.to(ScalarType.Float32), raw.to(ScalarType.Float32), Bound);
        Assert.AreEqual(ScalarType.Float32, y32.dtype);
        Assert.IsLessThan(1e-4, (y32.to(ScalarType.Float64) - y64).abs().max().ToDouble());
        Assert.IsLessThan(1e-3, (ld32.to(ScalarType.Float64) - ld64).abs().max().ToDouble());
    }

    [TestMethod]
    public void ZeroParametersGiveTheIdentity()
    {
        using var scope = NewDisposeScope();
        var x = linspace(-9, 9, 301);
        var raw = zeros(301, RationalQuadraticSpline.ParameterCount(Bins));
        var (y, logDet) = RationalQuadraticSpline.Forward(x, raw, Bound);
        var (back, inverseLogDet) = RationalQuadraticSpline.Inverse(x, raw, Bound);
        Assert.IsLessThan(1e-5, (y - x).abs().max().ToDouble());
        Assert.IsLessThan(1e-5, (back - x).abs().max().ToDouble());
        Assert.IsLessThan(1e-5, logDet.abs().max().ToDouble());
        Assert.IsLessThan(1e-5, inverseLogDet.abs().max().ToDouble());
    }

    [TestMethod]
    public void GradientsAreFiniteInsideAndInTheTails()
    {
        using var scope = NewDisposeScope();
        var (x, raw) = RandomSplines(15, ScalarType.Float32);
        raw.requires_grad_(true);
        var xg = x.clone().requires_grad_(true);
        var (y, logDet) = RationalQuadraticSpline.Forward(xg, raw, Bound);
        var (back, inverseLogDet) = RationalQuadraticSpline.Inverse(y, raw, Bound);
        (back.sum() + logDet.sum() + inverseLogDet.sum()).backward();
        Assert.IsTrue(raw.grad!.isfinite().all().ToBoolean());
        Assert.IsTrue(xg.grad!.isfinite().all().ToBoolean());
    }
}
