namespace Afin.Cli.Benchmarks.Fit;

/// <summary>One method on one kind of the per-group suite, scored against the references of its groups.</summary>
/// <param name="Kind">The kind (one user's data set).</param>
/// <param name="Groups">Its groups (problems).</param>
/// <param name="D">Their dimension.</param>
/// <param name="Sites">The range of their numbers of observations, e.g. "50-200".</param>
/// <param name="Method"><c>laplace</c>, <c>default</c> (the base model, no fine-tuning) or <c>fit</c>.</param>
/// <param name="Steps">Fine-tuning steps (0 for laplace and default).</param>
/// <param name="Seconds">Wall seconds: Fit's (fine-tuning and its held-out measurements) for fit, the posteriors' for the others.</param>
/// <param name="MedianMaxSme">Median over groups of the largest |mean error| / reference sd.</param>
/// <param name="MedianKlPerDimension">Median over groups of KL(reference ‖ method) / d between Gaussians.</param>
/// <param name="HeldOutBefore">Fit's held-out -log q(z0) / d before fine-tuning (fit only).</param>
/// <param name="HeldOutAfter">The same after fine-tuning (fit only).</param>
/// <param name="HeldOutLaplace">The Laplace approximation's on the same held-out tasks (fit only).</param>
internal sealed record FitBenchRow(string Kind, int Groups, int D, string Sites, string Method, int Steps, double Seconds, double MedianMaxSme, double MedianKlPerDimension,
    double? HeldOutBefore = null, double? HeldOutAfter = null, double? HeldOutLaplace = null);
