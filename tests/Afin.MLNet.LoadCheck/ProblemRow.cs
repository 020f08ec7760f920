using Microsoft.ML.Data;

namespace Afin.MLNet.LoadCheck;

/// <summary>One problem per row, with the default AfinPosterior column names (shared by the tests and the load-check app).</summary>
public sealed class ProblemRow
{
    /// <summary>Prior family.</summary>
    public string PriorFamily { get; set; } = "gaussian";

    /// <summary>Prior location (d or 1).</summary>
    [VectorType]
    public float[] PriorLoc { get; set; } = [0f];

    /// <summary>Prior scale (d or 1).</summary>
    [VectorType]
    public float[] PriorScale { get; set; } = [1f];

    /// <summary>Likelihood family per site (N or 1).</summary>
    [VectorType]
    public string[] LikelihoodFamily { get; set; } = ["linear_gaussian"];

    /// <summary>Design, N x d row-major.</summary>
    [VectorType]
    public float[] X { get; set; } = [];

    /// <summary>Observations.</summary>
    [VectorType]
    public float[] Y { get; set; } = [];

    /// <summary>Noise scale (N or 1).</summary>
    [VectorType]
    public float[] NoiseScale { get; set; } = [];

    /// <summary>Deterministic mixed problems (d 1..3, N 1..6; Gaussian, logistic, direct and mixed rows).</summary>
    public static ProblemRow[] Generate(int count, int seed)
    {
        var random = new Random(seed);
        float Normal() => (float)(Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble()));
        float[] Normals(int n) => Enumerable.Range(0, n).Select(_ => Normal()).ToArray();
        var rows = new ProblemRow[count];
        for (int i = 0; i < count; i++)
        {
            int d = 1 + random.Next(3);
            int n = 1 + random.Next(6);
            var row = new ProblemRow { PriorLoc = Normals(d).Select(v => 0.3f * v).ToArray(), PriorScale = [1f + (float)random.NextDouble()] };
            switch (i % 4)
            {
                case 0:
                    row.X = Normals(n * d);
                    row.Y = Normals(n);
                    row.NoiseScale = [0.5f];
                    break;
                case 1:
                    row.LikelihoodFamily = ["bernoulli_logit"];
                    row.X = Normals(n * d);
                    row.Y = Enumerable.Range(0, n).Select(_ => (float)random.Next(2)).ToArray();
                    break;
                case 2:
                    row.LikelihoodFamily = ["direct_gaussian"];
                    row.PriorScale = Enumerable.Repeat(1.5f, d).ToArray();
                    row.Y = Normals(n * d);
                    row.NoiseScale = [0.7f];
                    break;
                default:
                    // Mixed: a linear Gaussian site, then a logistic one, then a direct one (d values in Y).
                    row.LikelihoodFamily = ["linear_gaussian", "bernoulli_logit", "direct_gaussian"];
                    row.X = Normals(3 * d);
                    row.Y = [Normal(), 1f, .. Normals(d)];
                    row.NoiseScale = [0.8f];
                    break;
            }
            rows[i] = row;
        }
        return rows;
    }
}
