namespace Afin.Posteriors;

/// <summary>
/// A posterior summary in the JSON posterior format of the <c>afin</c> command line: which method
/// produced it, the mean, standard deviations and covariance, the in-process time and the method's
/// own diagnostics.
/// </summary>
/// <param name="Method">What produced it: <c>exact</c>, <c>nuts</c>, <c>afin-gaussian</c>, <c>afin-flow</c>, ...</param>
/// <param name="Mean">The posterior mean, length d.</param>
/// <param name="Covariance">The posterior covariance (the sample covariance for sample-based methods), d x d.</param>
/// <param name="RuntimeMilliseconds">In-process inference time, excluding start-up and file I/O.</param>
/// <param name="Diagnostics">What the method knows about its own quality (values are numbers, strings, booleans or arrays of them).</param>
public sealed record PosteriorReport(
    string Method,
    double[] Mean,
    double[,] Covariance,
    double RuntimeMilliseconds,
    IReadOnlyDictionary<string, object> Diagnostics)
{
    /// <summary>The dimension d.</summary>
    public int Dimension => Mean.Length;

    /// <summary>The posterior standard deviations, the square roots of the covariance's diagonal.</summary>
    public double[] StdDev => Enumerable.Range(0, Mean.Length).Select(i => Math.Sqrt(Covariance[i, i])).ToArray();
}
