using Afin.Inference;
using Afin.Modelling;
using Afin.Network;
using System.Runtime.InteropServices;
using Afin.Persistence;

namespace Afin.MLNet.Mapping;

/// <summary>The outputs of one row.</summary>
internal sealed class PosteriorRow
{
    public double[] Mean = [];
    public double[] StdDev = [];
    public double[] Covariance = [];
    public double[] Samples = [];
    public string Error = "";
    public double ParetoK = double.NaN;
    public double EffectiveSampleSize = double.NaN;
    public string Method = "";
}

/// <summary>
/// Turns read rows into posterior outputs with one batched forward pass per call, applying the failure policy.
/// Thread-safe: the forward passes through one model are serialised by a lock on the model.
/// </summary>
internal sealed class PosteriorComputer
{
    private readonly AfinModel _model;
    private readonly AfinPosteriorOptions _options;

    internal PosteriorComputer(AfinModel model, AfinPosteriorOptions options)
    {
        _model = model;
        _options = options;
    }

    /// <summary>Computes the outputs of rows whose cursor positions start at <paramref name="firstRow"/>.</summary>
    /// <param name="rows">Each row's raw values, or the exception met while reading it.</param>
    /// <param name="firstRow">The cursor position of rows[0] (named in errors, offsets the sample seeds).</param>
    internal PosteriorRow[] Compute(IReadOnlyList<(RawProblem? Raw, Exception? Error)> rows, long firstRow)
    {
        var results = new PosteriorRow[rows.Count];
        var problems = new List<BayesianProblem>(rows.Count);
        var owners = new List<int>(rows.Count);
        for (int i = 0; i < rows.Count; i++)
        {
            try
            {
                if (rows[i].Error is { } readError)
                {
                    throw readError;
                }
                problems.Add(ProblemReader.Build(rows[i].Raw!, _options.Dimension));
                owners.Add(i);
            }
            catch (Exception e) when (e is ArgumentException or InvalidOperationException or FormatException)
            {
                results[i] = Fail(firstRow + i, e, rows[i].Raw);
            }
        }
        if (problems.Count > 0)
        {
            IReadOnlyList<AfinPosterior>? posteriors = null;
            try
            {
                posteriors = Infer(problems);
            }
            catch (Exception e) when (e is ArgumentException or InvalidOperationException or ExternalException)
            {
                // Isolate the failing problem(s): one forward pass each.
            }
            for (int k = 0; k < problems.Count; k++)
            {
                int i = owners[k];
                try
                {
                    var posterior = posteriors?[k] ?? Infer([problems[k]])[0];
                    results[i] = Outputs(problems[k], posterior, firstRow + i);
                }
                catch (Exception e) when (e is ArgumentException or InvalidOperationException or ExternalException or ArithmeticException)
                {
                    results[i] = Fail(firstRow + i, e, rows[i].Raw);
                }
            }
        }
        return results;
    }

    private IReadOnlyList<AfinPosterior> Infer(IReadOnlyList<BayesianProblem> problems)
    {
        lock (_model)
        {
            return _model.Infer(problems);
        }
    }

    private PosteriorRow Outputs(BayesianProblem problem, AfinPosterior posterior, long row)
    {
        // Row i of a cursor seeds its draws (importance draws included) with SampleSeed + i, so results do not depend on batching.
        int seed = unchecked(_options.SampleSeed + (int)row);
        var outcome = AfinInference.Decide(_model, problem, posterior, _options.Mode,
            new AutoInferenceOptions { ProposalDraws = _options.ProposalDraws, Seed = seed });
        int d = outcome.Dimension;
        var mean = outcome.Mean;
        var cov = outcome.Covariance;
        var flat = new double[d * d];
        var std = new double[d];
        for (int i = 0; i < d; i++)
        {
            for (int j = 0; j < d; j++)
            {
                flat[i * d + j] = cov[i, j];
            }
            std[i] = Math.Sqrt(cov[i, i]);
        }
        if (mean.Any(v => !double.IsFinite(v)) || flat.Any(v => !double.IsFinite(v)))
        {
            throw new ArithmeticException($"the {outcome.Method} posterior has a non-finite mean or covariance");
        }
        double[] samples = [];
        if (_options.SampleCount > 0)
        {
            var draws = outcome.Sample(_options.SampleCount, seed);
            samples = new double[draws.Length];
            Buffer.BlockCopy(draws, 0, samples, 0, draws.Length * sizeof(double));
        }
        return new PosteriorRow
        {
            Mean = (double[])mean.Clone(), StdDev = std, Covariance = flat, Samples = samples,
            ParetoK = outcome.ParetoK, EffectiveSampleSize = outcome.EffectiveSampleSize, Method = outcome.Method.ToString(),
        };
    }

    private PosteriorRow Fail(long row, Exception e, RawProblem? raw)
    {
        string reason = e is ProblemValidationException p ? $"{p.Message}" : e.Message;
        if (_options.FailurePolicy == AfinFailurePolicy.Throw)
        {
            throw new InvalidOperationException($"AfinPosterior: row {row}: {reason}", e);
        }
        // With a fixed Dimension the output vectors have a fixed size, which a flagged row must keep too.
        int d = _options.Dimension ?? Math.Max(1, raw?.PriorLoc.Length ?? 1);
        double[] NaNs(int count) => Enumerable.Repeat(double.NaN, count).ToArray();
        return new PosteriorRow
        {
            Mean = NaNs(d),
            StdDev = NaNs(d),
            Covariance = NaNs(d * d),
            Samples = _options.SampleCount > 0 ? NaNs(_options.SampleCount * d) : [],
            Error = $"row {row}: {reason}",
        };
    }
}
