using System.CommandLine;
using System.Diagnostics;
using Afin.Cli.Benchmarks;
using Afin.Cli.Commands.Real;
using Afin.Inference;
using Afin.MLNet;
using Afin.MLNet.Prediction;
using Afin.Modelling;
using Afin.Persistence;
using Afin.Prediction;
using Afin.References;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Afin.Cli.Commands;

/// <summary>
/// <c>afin bench predict</c>: the posterior predictive against long NUTS runs on the realistic suite's problems, and
/// rows/s of the ML.NET group predictor. For each selected problem the new rows are its own design rows; each method's
/// predictive probabilities (logit families) or interval coverage of observations simulated from the NUTS posterior
/// (Gaussian and Student-t families) is compared with NUTS's own.
/// </summary>
internal static class PredictBenchCommand
{
    private static readonly InferenceMode[] Modes = [InferenceMode.Auto, InferenceMode.Amortized, InferenceMode.Laplace];

    internal static Command Create(CommandIO io)
    {
        var suite = new RealSuiteOptions();
        var draws = new Option<int>("--nuts-draws") { Description = "NUTS draws per chain (4 chains, as many warm-up steps).", DefaultValueFactory = _ => 2500 };
        var rows = new Option<int>("--scoring-rows") { Description = "New rows scored through the ML.NET group predictor for the rows/s figure.", DefaultValueFactory = _ => 200_000 };
        var writeProblem = new Option<FileInfo?>("--write-problem")
        {
            Description = "Only write the breast-cancer training problem (70% of benchmarks/wdbc, standardised, intercept, prior N(0, 1)) as problem JSON to this file, for timing `afin infer` against `afin nuts`.",
        };
        var command = new Command("predict", "Posterior predictive accuracy against NUTS on the realistic suite, and ML.NET scoring rows/s.") { draws, rows, writeProblem };
        suite.AddTo(command);
        command.SetAction((parse, cancellationToken) =>
        {
            if (parse.GetValue(writeProblem) is { } file)
            {
                ProblemJson.Save(HeldOutSplit.Breast().Training, file.FullName);
                io.Output.WriteLine($"wrote the breast-cancer training problem to {file.FullName}");
                return Task.FromResult(ExitCodes.Success);
            }
            // Problems of one family whose observations are linear in z (direct_gaussian has no design rows to predict at).
            var problems = suite.Select(parse).Where(p => p.Problem.Blocks.Count == 1 && p.Problem.Blocks[0] is LinearBlock
                && PredictiveLikelihood.Families.Contains(p.Problem.Blocks[0].Family)).ToArray();
            var model = AfinModel.LoadDefault();
            io.Output.WriteLine($"{problems.Length} single-family problems of the realistic suite; NUTS 4 x {parse.GetValue(draws)} (+ as many warm-up); shipped model; {BenchEnvironment.Describe()}");
            io.Output.WriteLine();
            io.Output.WriteLine("| problem | family | d | N | " + string.Join(" | ", Modes.Select(m => $"{m}: median / max |p - p NUTS| or 90% coverage")) + " |");
            io.Output.WriteLine("| --- | --- | --- | --- | " + string.Join(" | ", Modes.Select(_ => "---")) + " |");
            var probabilityErrors = Modes.ToDictionary(m => m, _ => new List<double>());
            var coverage = Modes.ToDictionary(m => m, _ => new List<double>());
            foreach (var item in problems)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var cells = Compare(item.Problem, model, parse.GetValue(draws), probabilityErrors, coverage, cancellationToken);
                io.Output.WriteLine($"| {item.Name} | {item.Problem.Blocks[0].Family} | {item.Problem.Dimension} | {item.Problem.ObservationCount} | {string.Join(" | ", cells)} |");
            }
            io.Output.WriteLine();
            foreach (var mode in Modes)
            {
                io.Output.WriteLine($"{mode}: median over logit problems of the median |p - p NUTS| {Median(probabilityErrors[mode]):F4} ({probabilityErrors[mode].Count} problems); " +
                    $"90% interval coverage of simulated observations, median over Gaussian and Student-t problems {Median(coverage[mode]):P1} ({coverage[mode].Count} problems)");
            }
            io.Output.WriteLine();
            HeldOut(io, model, parse.GetValue(draws), cancellationToken);
            io.Output.WriteLine();
            var (rowsPerSecond, groups) = ScoringThroughput(parse.GetValue(rows), cancellationToken);
            io.Output.WriteLine($"ML.NET AfinGroupPredictor: {rowsPerSecond:N0} rows/s scoring new logistic rows of {groups} groups (d = 3 with the intercept; cursor over Score, Probability)");
            return Task.FromResult(ExitCodes.Success);
        });
        return command;
    }

    /// <summary>The real data set's held-out split: accuracy and NLL of each mode's predictive against NUTS's.</summary>
    private static void HeldOut(CommandIO io, AfinModel model, int draws, CancellationToken cancellationToken)
    {
        var split = HeldOutSplit.Breast();
        var likelihood = PredictiveLikelihood.Of(split.Training);
        io.Output.WriteLine($"Held-out split of the Wisconsin breast-cancer data (benchmarks/wdbc): {split.Features} features + intercept, " +
            $"{split.TrainingRows} training rows, {split.Test.Count} test rows, prior N(0, 1)");
        io.Output.WriteLine();
        io.Output.WriteLine("| posterior | method taken | accuracy | mean NLL | accuracy - NUTS's | NLL - NUTS's |");
        io.Output.WriteLine("| --- | --- | --- | --- | --- | --- |");
        var nuts = NutsSampler.Sample(split.Training.LogDensity(), new NutsOptions { Chains = 4, Warmup = draws, Draws = draws, Seed = 7 }, cancellationToken: cancellationToken);
        var reference = PosteriorPredictive.PredictFromDraws(nuts.GetPooledDraws(), likelihood, split.Test).Scores!;
        io.Output.WriteLine($"| NUTS 4 x {draws} | (R-hat max {nuts.RHat.Max():F3}) | {reference.Accuracy:F4} | {reference.NegativeLogLikelihood:F4} | - | - |");
        foreach (var mode in Modes)
        {
            var outcome = AfinInference.Run(model, split.Training, mode, cancellationToken: cancellationToken);
            var scores = PosteriorPredictive.Predict(outcome, likelihood, split.Test).Scores!;
            io.Output.WriteLine($"| {mode} | {outcome.Method}{(outcome.Flagged ? " (flagged)" : "")} | {scores.Accuracy:F4} | {scores.NegativeLogLikelihood:F4} | " +
                $"{scores.Accuracy - reference.Accuracy:+0.0000;-0.0000;0} | {scores.NegativeLogLikelihood - reference.NegativeLogLikelihood:+0.0000;-0.0000;0} |");
        }
    }

    /// <summary>One problem: NUTS's predictive at the design rows against each mode's.</summary>
    private static IEnumerable<string> Compare(BayesianProblem problem, AfinModel model, int draws, Dictionary<InferenceMode, List<double>> probabilityErrors,
        Dictionary<InferenceMode, List<double>> coverage, CancellationToken cancellationToken)
    {
        var block = (LinearBlock)problem.Blocks[0];
        var likelihood = PredictiveLikelihood.Of(problem);
        var rows = new PredictionRows
        {
            X = block.X,
            Offset = block is BernoulliLogitBlock b ? b.Offset : block is BinomialLogitBlock bi ? bi.Offset : block is PoissonLogBlock po ? po.Offset : null,
            TotalCount = (block as BinomialLogitBlock)?.TotalCount,
            Sigma = block is LinearGaussianBlock g ? g.Sigma : (block as LinearStudentTBlock)?.Sigma,
            Df = (block as LinearStudentTBlock)?.Df,
        };
        var nuts = NutsSampler.Sample(problem.LogDensity(), new NutsOptions { Chains = 4, Warmup = draws, Draws = draws, Seed = 7 }, cancellationToken: cancellationToken).GetPooledDraws();
        var reference = PosteriorPredictive.PredictFromDraws(nuts, likelihood, rows);
        bool logit = likelihood.Family is "bernoulli_logit" or "binomial_logit";
        var simulated = logit ? new double[0, 0] : Simulate(nuts, rows, likelihood.Family);
        string coverageNote = likelihood.Family == "poisson_log" ? "coverage (counts: at least the level)" : "coverage";
        foreach (var mode in Modes)
        {
            var predicted = PosteriorPredictive.Predict(AfinInference.Run(model, problem, mode, cancellationToken: cancellationToken), likelihood, rows);
            if (logit)
            {
                var errors = Enumerable.Range(0, rows.Count)
                    .Select(r => Math.Abs(Probability(predicted.Predictions[r], rows, r) - Probability(reference.Predictions[r], rows, r))).ToArray();
                probabilityErrors[mode].Add(Median(errors));
                yield return $"{Median(errors):F4} / {errors.Max():F4}";
            }
            else
            {
                double inside = Enumerable.Range(0, simulated.GetLength(0)).Average(s =>
                    Enumerable.Range(0, rows.Count).Count(r => simulated[s, r] >= predicted.Predictions[r].Lower && simulated[s, r] <= predicted.Predictions[r].Upper) / (double)rows.Count);
                if (likelihood.Family != "poisson_log")
                {
                    coverage[mode].Add(inside);
                }
                yield return $"{inside:P1} {coverageNote}";
            }
        }
    }

    /// <summary>The success probability per trial of a logit row's prediction (a binomial row with no trials predicts none).</summary>
    private static double Probability(Afin.Prediction.Prediction p, PredictionRows rows, int row)
    {
        if (p.Probability is { } probability)
        {
            return probability;
        }
        double trials = rows.TotalCount!.Length == 1 ? rows.TotalCount[0] : rows.TotalCount[row];
        return trials > 0 ? p.Mean / trials : 0;
    }

    /// <summary>New observations at every design row, one set per NUTS draw (draw z, then y | z), for interval coverage.</summary>
    private static double[,] Simulate(double[,] draws, PredictionRows rows, string family)
    {
        var random = new Random(11);
        int count = Math.Min(2000, draws.GetLength(0));
        var y = new double[count, rows.Count];
        for (int s = 0; s < count; s++)
        {
            int draw = s * draws.GetLength(0) / count;
            for (int r = 0; r < rows.Count; r++)
            {
                double eta = rows.Offset is { } offset ? offset[offset.Length == 1 ? 0 : r] : 0;
                for (int j = 0; j < rows.X.GetLength(1); j++)
                {
                    eta += rows.X[r, j] * draws[draw, j];
                }
                y[s, r] = family switch
                {
                    "poisson_log" => MathNet.Numerics.Distributions.Poisson.Sample(random, Math.Exp(eta)),
                    "linear_student_t" => MathNet.Numerics.Distributions.StudentT.Sample(random, eta, PerRow(rows.Sigma!, r), PerRow(rows.Df!, r)),
                    _ => MathNet.Numerics.Distributions.Normal.Sample(random, eta, PerRow(rows.Sigma!, r)),
                };
            }
        }
        return y;
    }

    private static double PerRow(double[] values, int row) => values.Length == 1 ? values[0] : values[row];

    /// <summary>Rows/s of the ML.NET group predictor scoring new logistic rows of 200 stores (Laplace posteriors).</summary>
    private static (double RowsPerSecond, int Groups) ScoringThroughput(int count, CancellationToken cancellationToken)
    {
        const int groups = 200;
        var random = new Random(5);
        var history = Enumerable.Range(0, groups * 40).Select(i => Visit(random, $"s{i % groups}")).ToArray();
        var ml = new MLContext(seed: 1);
        var grouping = new ObservationGroupingOptions
        {
            GroupColumn = nameof(BenchVisit.Store), FeaturesColumn = nameof(BenchVisit.Features), LabelColumn = nameof(BenchVisit.Bought),
            LikelihoodFamily = "bernoulli_logit", AddIntercept = true,
        };
        var predictor = ml.Transforms.AfinGroupPredictor(new AfinGroupPredictorOptions { Grouping = grouping, Mode = InferenceMode.Laplace })
            .Fit(ml.Data.LoadFromEnumerable(history));
        var next = ml.Data.LoadFromEnumerable(Enumerable.Range(0, count).Select(i => Visit(random, $"s{random.Next(groups)}")).ToArray());
        var clock = Stopwatch.StartNew();
        var output = predictor.Transform(next);
        long scored = 0;
        using (var cursor = output.GetRowCursor(output.Schema.Where(c => c.Name is "Score" or "Probability")))
        {
            var score = cursor.GetGetter<float>(output.Schema["Score"]);
            float value = 0;
            while (cursor.MoveNext())
            {
                cancellationToken.ThrowIfCancellationRequested();
                score(ref value);
                scored++;
            }
        }
        return (scored / clock.Elapsed.TotalSeconds, groups);
    }

    private static BenchVisit Visit(Random random, string store)
    {
        float a = (float)(2 * random.NextDouble() - 1), b = (float)(2 * random.NextDouble() - 1);
        return new BenchVisit { Store = store, Features = [a, b], Bought = random.NextDouble() < 1 / (1 + Math.Exp(-(a - b))) ? 1 : 0 };
    }

    private static double Median(IReadOnlyCollection<double> values) => values.Count == 0 ? double.NaN : NutsBenchCommand.Median(values.ToList());

    /// <summary>One observation row of the throughput test.</summary>
    private sealed class BenchVisit
    {
        public string Store { get; set; } = "";

        [VectorType(2)]
        public float[] Features { get; set; } = [];

        public float Bought { get; set; }
    }
}
