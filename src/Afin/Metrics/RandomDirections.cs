namespace Afin.Metrics;

/// <summary>Seeded random unit directions, uniform on the sphere S^(d-1), reproducible across machines.</summary>
internal static class RandomDirections
{
    /// <summary>
    /// Returns a <paramref name="count"/> x <paramref name="d"/> matrix whose rows are unit vectors: each row is d
    /// standard normals from <see cref="ReproducibleNormal"/>(<paramref name="seed"/>), drawn row by row, divided by its norm.
    /// The same seed and d give the same rows (and a larger count extends the same sequence).
    /// </summary>
    internal static double[,] Draw(int count, int d, int seed)
    {
        var normal = new ReproducibleNormal(seed);
        var directions = new double[count, d];
        var row = new double[d];
        for (int l = 0; l < count; l++)
        {
            double norm2;
            do
            {
                norm2 = 0;
                for (int j = 0; j < d; j++)
                {
                    row[j] = normal.NextStandardNormal();
                    norm2 += row[j] * row[j];
                }
            }
            while (norm2 == 0);
            double norm = Math.Sqrt(norm2);
            for (int j = 0; j < d; j++)
            {
                directions[l, j] = row[j] / norm;
            }
        }
        return directions;
    }
}
