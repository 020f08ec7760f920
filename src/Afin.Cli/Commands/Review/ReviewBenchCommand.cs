using System.CommandLine;
using System.Diagnostics;
using System.Text.Json;
using Afin.Cli.Commands.Sbi;
using Afin.Simulation;
using Afin.Simulation.Estimators;
using Afin.Simulation.GaussianProcess;
using Afin.Simulation.Metrics;
using Afin.Simulation.Training;

namespace Afin.Cli.Commands.Review;

/// <summary>
/// <c>afin bench review</c>: the spatial benchmark of the review "Neural Methods for Amortized Inference". A 16 x 16
/// Gaussian-process field with exponential covariance and length scale theta ~ U(0, 0.6); 16,000 training and 2,000
/// validation simulations; NBE, NPE and NRE trained here; exact-likelihood MCMC as the gold standard, plus the exact
/// posterior by quadrature; RMSPE, MAPE, IS90, COV90 and CRPS on the test fields beside the published table.
/// Simulation sets and trained estimators are kept in the work folder, so a rerun (or a resumed, interrupted one)
/// reuses them.
/// </summary>
internal static class ReviewBenchCommand
{
    private const double Tail = 0.05;

    internal static Command Create(CommandIO io)
    {
        var workDir = new Option<DirectoryInfo>("--work-dir") { Description = "Folder for the simulation sets, estimators and checkpoints (reused by later runs).", DefaultValueFactory = _ => new DirectoryInfo("review-benchmark") };
        var testFields = new Option<int>("--test-fields") { Description = "Test fields scored (the review scores 1,000).", DefaultValueFactory = _ => 1000 };
        var mcmcFields = new Option<int>("--mcmc-fields") { Description = "Test fields also run through exact-likelihood MCMC (the slowest part; 0 skips it).", DefaultValueFactory = _ => 1000 };
        var mcmcDraws = new Option<int>("--mcmc-draws") { Description = "MCMC draws kept per field (after 1,000 warm-up iterations).", DefaultValueFactory = _ => 1000 };
        var mcmcThin = new Option<int>("--mcmc-thin") { Description = "MCMC iterations per kept draw (the review keeps every 20th of 24,000).", DefaultValueFactory = _ => 3 };
        var trainingCount = new Option<int>("--training-simulations") { Description = "Training simulations (the review's 16,000; fewer only for smoke tests).", DefaultValueFactory = _ => 16_000 };
        var validationCount = new Option<int>("--validation-simulations") { Description = "Validation simulations (the review's 2,000).", DefaultValueFactory = _ => 2_000 };
        var epochs = new Option<int>("--epochs") { Description = "Epoch limit per estimator (early stopping usually ends sooner).", DefaultValueFactory = _ => 100 };
        var rate = new Option<double>("--lr") { Description = "Adam learning rate of every estimator.", DefaultValueFactory = _ => new SimulationTrainingOptions().LearningRate };
        var patience = new Option<int>("--patience") { Description = "Early stopping patience in epochs (20: the validation loss of 2,000 fields is noisy, and 10 stopped NBE early enough to change its coverage by 0.02 between seeds).", DefaultValueFactory = _ => 20 };
        var batch = new Option<int>("--batch-size") { Description = "Simulations per step.", DefaultValueFactory = _ => new SimulationTrainingOptions().BatchSize };
        var seed = new Option<int>("--seed") { Description = "Training seed (weights and batch order; the simulation sets use seeds 1, 2 and 3).", DefaultValueFactory = _ => 1 };
        var methods = new Option<string[]>("--methods") { Description = "Which estimators to train and score.", DefaultValueFactory = _ => SbiMethod.Names, AllowMultipleArgumentsPerToken = true };
        var json = new Option<FileInfo?>("--json") { Description = "Also write the results as JSON to this file." };
        var command = new Command("review", "The review's 16 x 16 Gaussian-process benchmark: NBE, NPE, NRE and exact-likelihood MCMC, scored as the review does.")
        {
            workDir, trainingCount, validationCount, testFields, mcmcFields, mcmcDraws, mcmcThin, epochs, rate, patience, batch, seed, methods, json,
        };
        command.SetAction((parse, cancellation) =>
        {
            var settings = new ReviewBenchSettings(parse.GetValue(workDir)!, parse.GetValue(trainingCount), parse.GetValue(validationCount), parse.GetValue(testFields), parse.GetValue(mcmcFields), parse.GetValue(mcmcDraws), parse.GetValue(mcmcThin),
                parse.GetValue(epochs), parse.GetValue(methods)!)
            {
                Training = new SimulationTrainingOptions
                {
                    Epochs = parse.GetValue(epochs), LearningRate = parse.GetValue(rate), Patience = parse.GetValue(patience), BatchSize = parse.GetValue(batch), Seed = parse.GetValue(seed),
                },
            };
            settings.Validate();
            var rows = Run(io, settings, cancellation);
            WriteTable(io.Output, rows, settings);
            if (parse.GetValue(json) is FileInfo file)
            {
                file.Directory?.Create();
                // NaN marks a figure a method does not give (an NBE has no draws, hence no CRPS).
                var options = new JsonSerializerOptions { WriteIndented = true, NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals };
                var record = new
                {
                    machine = BenchEnvironment.Describe(),
                    settings = new { settings.TrainingSimulations, settings.ValidationSimulations, settings.TestFields, settings.McmcFields, settings.McmcDraws, settings.McmcThin, settings.Methods, settings.Training.Epochs, settings.Training.LearningRate, settings.Training.Patience, settings.Training.BatchSize, settings.Training.Seed },
                    rows,
                };
                File.WriteAllText(file.FullName, JsonSerializer.Serialize(record, options));
            }
            return Task.FromResult(ExitCodes.Success);
        });
        return command;
    }

    private static List<ReviewBenchRow> Run(CommandIO io, ReviewBenchSettings settings, CancellationToken cancellation)
    {
        var prior = new UniformPrior(0.0, 0.6);
        var simulator = new GaussianProcessFieldSimulator(16);
        settings.WorkDir.Create();
        var training = CachedSet(io, settings, "train", prior, simulator, settings.TrainingSimulations, 1, cancellation);
        var validation = CachedSet(io, settings, "validation", prior, simulator, settings.ValidationSimulations, 2, cancellation);
        var test = CachedSet(io, settings, "test", prior, simulator, settings.TestFields, 3, cancellation);
        var fields = Enumerable.Range(0, test.Count).Select(i => test.DataOf(i).ToArray()).ToArray();
        var truth = Enumerable.Range(0, test.Count).Select(i => test.ParametersOf(i)[0]).ToArray();
        var rows = new List<ReviewBenchRow> { Quadrature(io, prior, fields, truth, cancellation) };
        foreach (string method in settings.Methods)
        {
            using var estimator = TrainedEstimator(io, settings, method, prior, training, validation, cancellation);
            rows.Add(Score(io, method.ToUpperInvariant(), estimator, fields, truth));
        }
        if (settings.McmcFields > 0)
        {
            rows.Insert(0, Mcmc(io, settings, prior, fields, truth, cancellation));
        }
        return rows;
    }

    private static SimulationSet CachedSet(CommandIO io, ReviewBenchSettings settings, string name, IParameterPrior prior, ISimulator simulator, int count, int seed, CancellationToken cancellation)
    {
        string path = Path.Combine(settings.WorkDir.FullName, $"{name}.sims");
        if (File.Exists(path))
        {
            var stored = SimulationSet.Load(path);
            if (stored.Count == count)
            {
                return stored;
            }
        }
        var clock = Stopwatch.StartNew();
        var set = SimulationSet.Simulate(prior, simulator, count, seed, cancellation);
        set.Save(path);
        io.Error.WriteLine($"simulated {count} {name} fields in {clock.Elapsed.TotalSeconds:F1} s -> {path}");
        return set;
    }

    private static SimulationEstimator TrainedEstimator(CommandIO io, ReviewBenchSettings settings, string method, IParameterPrior prior,
        SimulationSet training, SimulationSet validation, CancellationToken cancellation)
    {
        string path = Path.Combine(settings.WorkDir.FullName, $"{method}.afin");
        if (File.Exists(path))
        {
            var stored = SimulationEstimator.Load(path);
            if (stored.Training.TrainingSimulations == training.Count)
            {
                io.Error.WriteLine($"{method}: reusing {path}, trained on {training.Count} simulations (delete it to retrain)");
                return stored;
            }
            stored.Dispose();
            io.Error.WriteLine($"{method}: {path} was trained on another training set; retraining");
            File.Delete(path + ".ckpt");
        }
        var options = settings.Training with { CheckpointPath = path + ".ckpt", TrainingSimulations = training.Count, ValidationSimulations = validation.Count };
        io.Error.WriteLine($"{method}: training {SbiMethod.Describe(method)}; checkpoint {options.CheckpointPath}");
        var estimator = SbiProgressBars.Training(io.Error, method, options.Epochs,
            progress => SbiMethod.Train(method, prior, training, validation, options, PosteriorDensityKind.SplineFlow, progress, cancellation));
        estimator.Save(path);
        File.Delete(options.CheckpointPath);
        return estimator;
    }

    private static ReviewBenchRow Score(CommandIO io, string name, SimulationEstimator estimator, float[][] fields, double[] truth)
    {
        estimator.Summarise(fields.Take(8).ToArray());
        var clock = Stopwatch.StartNew();
        var summaries = estimator.Summarise(fields, seed: 11);
        double perField = clock.Elapsed.TotalMilliseconds / fields.Length;
        var single = new List<double>();
        for (int i = 0; i < Math.Min(50, fields.Length); i++)
        {
            clock.Restart();
            estimator.Summarise(fields[i], seed: i);
            single.Add(clock.Elapsed.TotalMilliseconds);
        }
        var scores = ReviewMetrics.Compute(truth,
            summaries.Select(s => s.Median[0]).ToArray(), summaries.Select(s => s.Lower[0]).ToArray(), summaries.Select(s => s.Upper[0]).ToArray(),
            summaries[0].Samples is null ? null : summaries.Select(s => s.Samples!.Select(d => d[0]).ToArray()).ToArray());
        io.Error.WriteLine($"{name}: scored {fields.Length} fields, {perField:F2} ms per field batched");
        return new ReviewBenchRow(name, scores, estimator.Training.WallSeconds, perField, Median(single), $"{estimator.Training.Epochs} epochs, best {estimator.Training.BestEpoch}");
    }

    /// <summary>The exact posterior of every test field by quadrature: the exact likelihood on a 601-point theta grid times the flat prior.</summary>
    private static ReviewBenchRow Quadrature(CommandIO io, UniformPrior prior, float[][] fields, double[] truth, CancellationToken cancellation)
    {
        var grid = Enumerable.Range(0, 601).Select(k => 0.0005 + (0.6 - 0.001) * k / 600).ToArray();
        var clock = Stopwatch.StartNew();
        var logLikelihood = new GaussianProcessLikelihood(16).LogLikelihoodGrid(fields, grid, cancellation);
        var posteriors = Enumerable.Range(0, fields.Length)
            .Select(i => new GridPosterior(grid, Enumerable.Range(0, grid.Length).Select(k => logLikelihood[i, k]).ToArray())).ToArray();
        double perField = clock.Elapsed.TotalMilliseconds / fields.Length;
        var samples = posteriors.Select((p, i) => p.Sample(1000, new Random(i))).ToArray();
        var scores = ReviewMetrics.Compute(truth, posteriors.Select(p => p.Median).ToArray(), posteriors.Select(p => p.Quantile(Tail)).ToArray(),
            posteriors.Select(p => p.Quantile(1 - Tail)).ToArray(), samples);
        io.Error.WriteLine($"exact (quadrature): {fields.Length} fields in {clock.Elapsed.TotalSeconds:F1} s");
        return new ReviewBenchRow("Exact (quadrature)", scores, 0, perField, double.NaN, "exact likelihood on 601 theta points");
    }

    private static ReviewBenchRow Mcmc(CommandIO io, ReviewBenchSettings settings, UniformPrior prior, float[][] fields, double[] truth, CancellationToken cancellation)
    {
        int count = Math.Min(settings.McmcFields, fields.Length);
        var options = new GaussianProcessMcmcOptions(Warmup: 1000, Draws: settings.McmcDraws, Seed: 5, Thin: settings.McmcThin);
        io.Error.WriteLine($"MCMC: random-walk Metropolis on the exact likelihood, {count} fields x ({options.Warmup} warm-up + {options.Draws} draws x thin {options.Thin}), all fields in one batch per iteration");
        var mcmc = new GaussianProcessMcmc(new GaussianProcessLikelihood(16), prior);
        var result = SbiProgressBars.Counted(io.Error, "MCMC", options.TotalIterations, progress => mcmc.Run(fields[..count], options, progress, cancellation));
        var summaries = result.Draws.Select(d => SimulationPosteriorSummary.FromSamples(d.Select(x => new[] { x }).ToArray(), 1 - 2 * Tail)).ToArray();
        var scores = ReviewMetrics.Compute(truth[..count], summaries.Select(s => s.Median[0]).ToArray(), summaries.Select(s => s.Lower[0]).ToArray(),
            summaries.Select(s => s.Upper[0]).ToArray(), result.Draws);
        double perField = result.Elapsed.TotalMilliseconds / count;
        return new ReviewBenchRow("MCMC", scores, 0, perField, double.NaN,
            $"{count} fields; acceptance {result.AcceptanceRates.Average():P0}; time per field is the batched run's total / fields");
    }

    private static void WriteTable(TextWriter output, IReadOnlyList<ReviewBenchRow> rows, ReviewBenchSettings settings)
    {
        output.WriteLine($"Review GP benchmark: 16 x 16 field, theta ~ U(0, 0.6); {settings.TrainingSimulations:N0} training / {settings.ValidationSimulations:N0} validation simulations; {settings.TestFields} test fields; {BenchEnvironment.Describe()}");
        output.WriteLine();
        output.WriteLine("| method | RMSPE | MAPE | IS90 | COV90 | CRPS | CRPS (review script) | training (s) | inference (ms / field, batched) | one field (ms, median) | published (RMSPE / IS90 / COV90) | RMSPE / published | IS90 / published | notes |");
        output.WriteLine("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |");
        foreach (var row in rows)
        {
            var s = row.Scores;
            string published = "-", rmspeRatio = "-", is90Ratio = "-";
            if (PublishedReviewTable.Counterpart(row.Method) is string paper && PublishedReviewTable.Rows.TryGetValue(paper, out var p))
            {
                published = $"{paper}: {p.Rmspe:F3} / {p.Is90:F3} / {p.Cov90:F3}";
                rmspeRatio = $"{s.Rmspe / p.Rmspe:F2}";
                is90Ratio = $"{s.Is90 / p.Is90:F2}";
            }
            output.WriteLine($"| {row.Method} | {s.Rmspe:F4} | {s.Mape:F4} | {s.Is90:F4} | {s.Cov90:F3} | {Format(s.Crps, "F4")} | {Format(s.CrpsReferenceCode, "F4")} | {Format(row.TrainingSeconds, "F0")} | {row.MillisecondsPerField:F2} | {Format(row.SingleFieldMilliseconds, "F2")} | {published} | {rmspeRatio} | {is90Ratio} | {row.Notes} |");
        }
    }

    private static string Format(double value, string format) => double.IsFinite(value) && value != 0 ? value.ToString(format, System.Globalization.CultureInfo.InvariantCulture) : "-";

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length == 0 ? double.NaN : sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }
}

/// <summary>The benchmark's settings, checked before any work starts.</summary>
internal sealed record ReviewBenchSettings(DirectoryInfo WorkDir, int TrainingSimulations, int ValidationSimulations, int TestFields, int McmcFields, int McmcDraws, int McmcThin, int Epochs, string[] Methods)
{
    /// <summary>How each estimator is trained (the sets' sizes are filled in from the stored sets).</summary>
    internal SimulationTrainingOptions Training { get; init; } = new();

    internal void Validate()
    {
        Require(TrainingSimulations, 2, "--training-simulations");
        Require(ValidationSimulations, 1, "--validation-simulations");
        Require(TestFields, 1, "--test-fields");
        Require(McmcFields, 0, "--mcmc-fields");
        Require(McmcDraws, 10, "--mcmc-draws");
        Require(McmcThin, 1, "--mcmc-thin");
        Require(Epochs, 1, "--epochs");
        try
        {
            Training.Validate();
        }
        catch (ArgumentOutOfRangeException e)
        {
            throw new InvalidInputException($"bench review: {e.Message}");
        }
        foreach (var method in Methods)
        {
            if (!SbiMethod.Names.Contains(method))
            {
                throw new InvalidInputException($"--methods: unknown method '{method}'; expected some of {string.Join(", ", SbiMethod.Names)}");
            }
        }
    }

    private static void Require(int value, int minimum, string option)
    {
        if (value < minimum)
        {
            throw new InvalidInputException($"{option}: {value}; expected at least {minimum}");
        }
    }
}
