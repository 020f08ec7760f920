using System.Text.Json;
using MathNet.Numerics.LinearAlgebra;

namespace Afin.MLNet.Prediction;

/// <summary>
/// What a fitted group predictor keeps: each group's posterior mean and covariance, by key, and the prior's, which rows of
/// groups never seen at Fit are predicted from. Saved in the model zip as JSON.
/// </summary>
internal sealed class GroupPosteriorTable
{
    private readonly Dictionary<string, GaussianMoments> _groups;

    internal GroupPosteriorTable(Dictionary<string, GaussianMoments> groups, GaussianMoments prior)
    {
        _groups = groups;
        Prior = prior;
    }

    /// <summary>The prior's mean and covariance.</summary>
    public GaussianMoments Prior { get; }

    /// <summary>The latent dimension d (the number of features, intercept included).</summary>
    public int Dimension => Prior.Mean.Length;

    /// <summary>The number of groups seen at Fit.</summary>
    public int Count => _groups.Count;

    /// <summary>The group's posterior; false (and the prior) for a key not seen at Fit.</summary>
    public bool TryGet(string key, out GaussianMoments moments)
    {
        if (_groups.TryGetValue(key, out var found))
        {
            moments = found;
            return true;
        }
        moments = Prior;
        return false;
    }

    /// <summary>The prior of <paramref name="grouping"/> as a mean and covariance in d dimensions.</summary>
    /// <remarks>A Student-t prior with df ≤ 2 has no variance; its scale is then widened tenfold (documented in docs/mlnet.md).</remarks>
    internal static GaussianMoments PriorMoments(ObservationGroupingOptions grouping, int d)
    {
        double At(IReadOnlyList<double> values, int i) => values.Count == 1 ? values[0] : values[i];
        var mean = Enumerable.Range(0, d).Select(i => At(grouping.PriorLoc, i)).ToArray();
        var covariance = new double[d, d];
        if (grouping.PriorFamily == "full_rank_gaussian")
        {
            var precision = Matrix<double>.Build.Dense(d, d, (i, j) => grouping.PriorPrecision![i * d + j]);
            return new GaussianMoments(mean, precision.Inverse().ToArray());
        }
        for (int i = 0; i < d; i++)
        {
            double scale = At(grouping.PriorScale, i);
            double df = At(grouping.PriorDf, i);
            covariance[i, i] = grouping.PriorFamily switch
            {
                "laplace" => 2 * scale * scale,
                "student_t" => df > 2 ? scale * scale * df / (df - 2) : 100 * scale * scale,
                _ => scale * scale,
            };
        }
        return new GaussianMoments(mean, covariance);
    }

    internal void Save(Stream destination) => JsonSerializer.Serialize(destination, new Stored(
        _groups.Keys.ToArray(), _groups.Values.Select(g => g.Mean).ToArray(), _groups.Values.Select(g => Flatten(g.Covariance)).ToArray(),
        Prior.Mean, Flatten(Prior.Covariance)));

    /// <exception cref="InvalidDataException">The stream is not a group table of consistent sizes.</exception>
    internal static GroupPosteriorTable Load(Stream source)
    {
        Stored stored;
        try
        {
            stored = JsonSerializer.Deserialize<Stored>(source) ?? throw new InvalidDataException("AfinGroupPredictor: the saved group table is empty");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"AfinGroupPredictor: the saved group table is corrupt ({e.Message})", e);
        }
        int d = stored.PriorMean.Length;
        if (stored.Means.Length != stored.Keys.Length || stored.Covariances.Length != stored.Keys.Length || stored.PriorCovariance.Length != d * d
            || stored.Means.Any(m => m.Length != d) || stored.Covariances.Any(c => c.Length != d * d))
        {
            throw new InvalidDataException("AfinGroupPredictor: the saved group table's sizes do not agree");
        }
        var groups = new Dictionary<string, GaussianMoments>(StringComparer.Ordinal);
        for (int g = 0; g < stored.Keys.Length; g++)
        {
            groups[stored.Keys[g]] = new GaussianMoments(stored.Means[g], Unflatten(stored.Covariances[g], d));
        }
        return new GroupPosteriorTable(groups, new GaussianMoments(stored.PriorMean, Unflatten(stored.PriorCovariance, d)));
    }

    private static double[] Flatten(double[,] matrix) => matrix.Cast<double>().ToArray();

    internal static double[,] Unflatten(IReadOnlyList<double> values, int d)
    {
        var matrix = new double[d, d];
        for (int i = 0; i < d; i++)
        {
            for (int j = 0; j < d; j++)
            {
                matrix[i, j] = values[i * d + j];
            }
        }
        return matrix;
    }

    private sealed record Stored(string[] Keys, double[][] Means, double[][] Covariances, double[] PriorMean, double[] PriorCovariance);
}

/// <summary>A posterior (or prior) kept as its mean and covariance.</summary>
internal sealed record GaussianMoments(double[] Mean, double[,] Covariance);
