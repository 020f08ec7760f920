namespace Afin.Laplace;

/// <summary>Settings of <see cref="LaplaceApproximation.Compute"/>; the defaults suit every problem family.</summary>
public sealed record LaplaceOptions
{
    /// <summary>Newton iterations per start before the search gives up and reports that it did not converge. Default 200.</summary>
    public int MaxIterations { get; init; } = 200;

    /// <summary>
    /// Convergence bar on the Newton decrement g^T H^-1 g, the squared length of the next Newton step measured in
    /// posterior standard deviations. Default 1e-20: the mode is then exact to 1e-10 standard deviations, and a
    /// conjugate problem's Laplace approximation is its exact posterior.
    /// </summary>
    public double Tolerance { get; init; } = 1e-20;

    /// <summary>Which curvature at the mode becomes the precision. Default <see cref="LaplaceCurvature.Auto"/>.</summary>
    public LaplaceCurvature Curvature { get; init; } = LaplaceCurvature.Auto;

    /// <summary>
    /// The width, in prior scales, over which a Laplace prior's kink is smoothed (|r| becomes sqrt(r² + w²) - w) while
    /// the mode is searched; the mode then lies within about this many scales of the exact one. Default 1e-4.
    /// </summary>
    public double KinkWidth { get; init; } = 1e-4;

    /// <summary>Throws when an option is out of range; the exception's ParamName names the option.</summary>
    /// <exception cref="ArgumentException">An option is invalid.</exception>
    public void Validate()
    {
        if (MaxIterations < 1)
        {
            throw new ArgumentException($"expected at least 1, got {MaxIterations}", nameof(MaxIterations));
        }
        if (!(Tolerance > 0) || !double.IsFinite(Tolerance))
        {
            throw new ArgumentException($"expected a positive finite number, got {Tolerance}", nameof(Tolerance));
        }
        if (!Enum.IsDefined(Curvature))
        {
            throw new ArgumentException($"expected one of {string.Join(", ", Enum.GetNames<LaplaceCurvature>())}, got {Curvature}", nameof(Curvature));
        }
        if (!(KinkWidth > 0) || !double.IsFinite(KinkWidth))
        {
            throw new ArgumentException($"expected a positive finite number, got {KinkWidth}", nameof(KinkWidth));
        }
    }
}
