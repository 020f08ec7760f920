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
/// Turns read rows into posterior outputs with one batched forward pass per call (none in Laplace mode, which has no
/// model), applying the failure policy. Thread-safe, as <see cref="AfinModel.Infer(IReadOnlyList{BayesianProblem})"/> is.
/// </summary>
internal sealed class PosteriorComputer
{
    private readonly AfinModel? _model;
    private readonly AfinPosteriorOptions _options;

    /// <param name="model">The bound model; null exactly in Laplace mode.</param>
    /// <param name="options">The validated options.</param>
    internal PosteriorComputer(AfinModel? model, AfinPosteriorOptions options)
    {
        if ((model is null) != (options.Mode == InferenceMode.Laplace))
        {
            throw new ArgumentException($"{nameof(options.Mode)} {options.Mode} needs {(model is null ? "a model" : "no model")}", nameof(model));
        }
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
            var posteriors = BatchedPosteriors(problems);
            for (int k = 0; k < problems.Count; k++)
            {
                int i = owners[k];
                try
                {
                    results[i] = Outputs(problems[k], posteriors[k], firstRow + i);
                }
                // NotSupportedException: the model's feature version has no adapter for one of the row's families
                // (poisson_log before version 3); that row fails with the message, as an invalid row does.
                catch (Exception e) when (e is ArgumentException or InvalidOperationException or ExternalException or ArithmeticException or NotSupportedException)
                {
                    results[i] = Fail(firstRow + i, e, rows[i].Raw);
                }
            }
        }
        return results;
    }

    /// <summary>
    /// The network's posteriors of the problems that need one (none in Laplace mode; not the conjugate problems the checked
    /// modes answer exactly, nor those far outside the training range), in one batched pass; null entries elsewhere, and
    /// all null when the batch fails, so that each problem then gets its own pass and its own error.
    /// </summary>
    private AfinPosterior?[] BatchedPosteriors(IReadOnlyList<BayesianProblem> problems)
    {
        var posteriors = new AfinPosterior?[problems.Count];
        if (_model is null)
        {
            return posteriors;
        }
        var needed = Enumerable.Range(0, problems.Count).Where(k => AfinInference.NeedsNetwork(_model, problems[k], _options.Mode)).ToArray();
        if (needed.Length > 0 && TryInfer(needed.Select(k => problems[k]).ToArray()) is { } batch)
        {
            for (int j = 0; j < needed.Length; j++)
            {
                posteriors[needed[j]] = batch[j];
            }
        }
        return posteriors;
    }

    /// <summary>One batched forward pass, or null when it fails, so that each problem then gets its own pass and its own error.</summary>
    private IReadOnlyList<AfinPosterior>? TryInfer(IReadOnlyList<BayesianProblem> problems)
    {
        try
        {
            return Infer(problems);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or ExternalException or NotSupportedException)
        {
            return null;
        }
    }

    private IReadOnlyList<AfinPosterior> Infer(IReadOnlyList<BayesianProblem> problems) => _model!.Infer(problems);

    /// <summary>The outcome of the options' mode: the Laplace approximation without a model, else the batched posterior (or its own pass) checked.</summary>
    private InferenceOutcome Outcome(BayesianProblem problem, AfinPosterior? batched, int seed)
    {
        var options = new AutoInferenceOptions { ProposalDraws = _options.ProposalDraws, Seed = seed };
        if (_options.Mode == InferenceMode.Amortized)
        {
            // Amortized mode has no diagnostic columns, so its quick k-hat would be computed for nothing.
            options = options with { AmortizedCheckDraws = 0 };
        }
        if (_model is null)
        {
            return AfinInference.RunLaplace(problem, options);
        }
        var posterior = batched ?? (AfinInference.NeedsNetwork(_model, problem, _options.Mode) ? Infer([problem])[0] : null);
        return AfinInference.Decide(_model, problem, posterior, _options.Mode, options);
    }

    private PosteriorRow Outputs(BayesianProblem problem, AfinPosterior? batched, long row)
    {
        // Row i of a cursor seeds its draws (importance draws included) with SampleSeed + i, so results do not depend on batching.
        int seed = unchecked(_options.SampleSeed + (int)row);
        var outcome = Outcome(problem, batched, seed);
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
