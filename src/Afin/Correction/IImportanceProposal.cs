namespace Afin.Correction;

/// <summary>
/// A distribution importance sampling can draw from and weigh by: an <see cref="Network.AfinPosterior"/> or a
/// <see cref="MultivariateStudentT"/> (the Laplace approximation widened).
/// </summary>
internal interface IImportanceProposal
{
    /// <summary>The latent dimension d.</summary>
    int Dimension { get; }

    /// <summary>Draws <paramref name="count"/> points (rows), reproducibly per seed.</summary>
    double[,] Sample(int count, int seed);

    /// <summary>The normalised log density at every row of <paramref name="points"/>.</summary>
    double[] LogDensity(double[,] points);
}
