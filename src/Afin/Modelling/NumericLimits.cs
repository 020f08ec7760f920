namespace Afin.Modelling;

/// <summary>
/// The range of numbers a problem may hold. Every posterior method squares, inverts and multiplies them in double
/// arithmetic, whose largest number is about 1.8e308 and whose smallest normal one is about 2.2e-308: a value whose
/// square overflows (a residual of 1e200 gives a squared residual of infinity) or a scale whose inverse square does
/// (a noise sd of 1e-200 gives an infinite precision) turns the posterior into infinities or NaNs, and a scale whose
/// inverse square underflows to 0 silently drops its factor. These limits keep every such square within range; they lie
/// far outside any realistic problem, which would be rescaled long before them.
/// </summary>
/// <remarks>
/// The limits bound one number at a time. A combination can still overflow (a design entry of 1e150 under a noise sd of
/// 1e-150); the methods detect that where it happens and name the factor (see <see cref="ProblemValidationException"/>).
/// </remarks>
internal static class NumericLimits
{
    /// <summary>The largest magnitude of a location, design entry, observation or offset: its square, 1e300, is finite.</summary>
    internal const double MaxMagnitude = 1e150;

    /// <summary>The smallest scale, noise sd or degrees of freedom: its inverse square, 1e300, is finite.</summary>
    internal const double MinScale = 1e-150;

    /// <summary>The largest scale, noise sd or degrees of freedom: its square is finite and its inverse square, 1e-300, is not 0.</summary>
    internal const double MaxScale = 1e150;

    /// <summary>The smallest df x scale² of a Student-t factor: the density divides by it, and below about 2e-308 it underflows.</summary>
    internal const double MinStudentTWidth = 1e-300;

    /// <summary>The largest magnitude of a prior precision entry: the precision of the smallest scale, 1 / <see cref="MinScale"/>².</summary>
    internal const double MaxPrecision = 1e300;

    /// <summary>The smallest diagonal entry of a prior precision: the precision of the largest scale, 1 / <see cref="MaxScale"/>².</summary>
    internal const double MinPrecisionDiagonal = 1e-300;
}
