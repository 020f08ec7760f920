namespace Afin.Correction;

/// <summary>A multivariate Student-t (the Laplace approximation widened) as an importance proposal.</summary>
/// <param name="Distribution">The t distribution.</param>
internal sealed record StudentTProposal(MultivariateStudentT Distribution) : IImportanceProposal
{
    public int Dimension => Distribution.Dimension;

    public double[,] Sample(int count, int seed) => Distribution.Sample(count, seed);

    public double[] LogDensity(double[,] points) => Distribution.LogDensity(points);
}
