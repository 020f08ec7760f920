using System.CommandLine;
using System.Text.Json.Nodes;
using Afin.Cli.Plotting;
using Afin.Inference;
using Afin.Modelling;
using Afin.Posteriors;
using Afin.Prediction;

namespace Afin.Cli.Commands;

/// <summary>
/// <c>afin predict --problem P.json --rows R.json [--mode ...] [--level 0.9] [--family F] [--calibration-plot F.png]</c>:
/// the problem's posterior (as <c>afin infer</c> computes it), then the posterior predictive distribution of each new row:
/// mean, central interval with the observation noise, and P(y = 1) for binary rows. With observed values in the rows,
/// held-out scores too (docs/predictions.md).
/// </summary>
internal static class PredictCommand
{
    internal static Command Create(CommandIO io)
    {
        var problem = CommonOptions.Problem();
        var rowsFile = new Option<FileInfo>("--rows", "-r")
        {
            Description = "New rows as JSON: {\"x\": [[...], ...]} plus \"offset\", \"total_count\", \"sigma\", \"df\" where the family needs them and \"y\" to score them.",
        };
        var level = new Option<double>("--level") { Description = "Probability of the central prediction interval.", DefaultValueFactory = _ => 0.9 };
        var family = new Option<string?>("--family") { Description = "The likelihood family to predict; by default that of the problem's single observation block." };
        var predictionDraws = new Option<int>("--prediction-draws")
        {
            Description = "Posterior draws behind the predictions when the posterior is not Gaussian (flow, importance sampling, NUTS).",
            DefaultValueFactory = _ => new PredictionOptions().Draws,
        };
        var plot = new Option<FileInfo?>("--calibration-plot") { Description = "Write a calibration picture (PNG) of rows with observed \"y\": a reliability diagram for binary rows, interval coverage otherwise." };
        var model = InferCommand.ModelOption();
        var architecture = InferCommand.ArchitectureOption();
        var mode = InferCommand.ModeOption();
        var draws = InferCommand.DrawsOption();
        var seed = CommonOptions.Seed();
        var output = CommonOptions.Output();
        var command = new Command("predict", "Posterior predictive of new rows: mean, interval and P(y = 1), from the problem's posterior.")
        {
            problem, rowsFile, level, family, predictionDraws, plot, model, architecture, mode, draws, seed, output,
        };
        command.SetAction((parse, cancellationToken) =>
        {
            var spec = CommandIO.ReadProblem(parse.GetValue(problem));
            var rows = ReadRows(parse.GetValue(rowsFile));
            var likelihood = Likelihood(spec, parse.GetValue(family));
            var options = PredictionOptions(parse.GetValue(level), parse.GetValue(predictionDraws), parse.GetValue(seed));
            var plotFile = parse.GetValue(plot);
            if (plotFile is not null && rows.Y is null)
            {
                throw new InvalidInputException("--calibration-plot: the rows need their observed values (\"y\") to be scored");
            }
            var inferenceMode = InferenceReport.ParseMode(parse.GetValue(mode));
            var inference = InferCommand.Options(inferenceMode, parse.GetValue(draws), parse.GetValue(seed));
            var (afin, outcome) = InferCommand.Answer(spec, inferenceMode, inference, parse.GetValue(model), parse.GetValue(architecture), cancellationToken);
            var set = PosteriorPredictive.Predict(outcome, likelihood, rows, options);
            io.WriteResult(Serialize(set, likelihood, PosteriorJson.Serialize(InferenceReport.Create(afin, outcome))), parse.GetValue(output));
            InferCommand.WriteMessages(io, spec, outcome);
            if (set.Scores is { } scores)
            {
                io.Error.WriteLine($"predict: {scores.Rows} held-out rows: mean NLL {scores.NegativeLogLikelihood:F4}, {set.Level * 100:G3}% interval coverage {scores.Coverage * 100:F1}%" +
                    (scores.Accuracy is { } accuracy ? $", accuracy {accuracy * 100:F1}%" : ""));
            }
            if (plotFile is not null)
            {
                WritePlot(plotFile, outcome, likelihood, rows, options, set, io);
            }
            return Task.FromResult(ExitCodes.Success);
        });
        return command;
    }

    private static PredictionRows ReadRows(FileInfo? file) => PredictionRowsJson.Load(CommandIO.ExistingFile(file, "--rows"));

    private static PredictiveLikelihood Likelihood(BayesianProblem spec, string? family)
    {
        try
        {
            return PredictiveLikelihood.Of(spec, family);
        }
        catch (ArgumentException e)
        {
            throw new InvalidInputException(family is null ? e.Message : $"--{e.Message}");
        }
    }

    private static PredictionOptions PredictionOptions(double level, int draws, int seed)
    {
        var options = new PredictionOptions { Level = level, Draws = draws, Seed = seed };
        try
        {
            options.Validate();
        }
        catch (ArgumentException e)
        {
            throw new InvalidInputException(e.Message.StartsWith("Level", StringComparison.Ordinal) ? $"--level: {e.Message}" : $"--prediction-draws: {e.Message}");
        }
        return options;
    }

    /// <summary>The output document: the predictions, their scores when the rows were labelled, and the posterior they came from.</summary>
    internal static string Serialize(PredictionSet set, PredictiveLikelihood likelihood, string posteriorJson)
    {
        var predictions = new JsonArray();
        foreach (var p in set.Predictions)
        {
            var item = new JsonObject { ["mean"] = p.Mean, ["lower"] = p.Lower, ["upper"] = p.Upper };
            if (p.Probability is { } probability)
            {
                item["probability"] = probability;
            }
            predictions.Add(item);
        }
        var document = new JsonObject { ["family"] = likelihood.Family, ["level"] = set.Level, ["predictions"] = predictions };
        if (set.Scores is { } scores)
        {
            var scored = new JsonObject { ["rows"] = scores.Rows, ["negative_log_likelihood"] = scores.NegativeLogLikelihood, ["coverage"] = scores.Coverage };
            if (scores.Accuracy is { } accuracy)
            {
                scored["accuracy"] = accuracy;
            }
            document["scores"] = scored;
        }
        document["posterior"] = JsonNode.Parse(posteriorJson);
        return document.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }) + Environment.NewLine;
    }

    private static void WritePlot(FileInfo file, InferenceOutcome outcome, PredictiveLikelihood likelihood, PredictionRows rows, PredictionOptions options, PredictionSet set, CommandIO io)
    {
        string title = $"Calibration on {set.Predictions.Count} held-out {likelihood.Family} rows ({outcome.Method} posterior)";
        byte[] png;
        if (likelihood.Family == "bernoulli_logit")
        {
            png = CalibrationPlot.Reliability(set.Predictions.Select(p => p.Probability!.Value).ToArray(), rows.Y!, title);
        }
        else
        {
            var observed = CalibrationPlot.CoverageLevels
                .Select(l => PosteriorPredictive.Predict(outcome, likelihood, rows, options with { Level = l }).Scores!.Coverage)
                .ToArray();
            png = CalibrationPlot.Coverage(CalibrationPlot.CoverageLevels, observed, title);
        }
        PlotFonts.WarnIfMissing(io.Error);
        PngFile.Write(file, png);
        io.Error.WriteLine($"calibration-plot: {file.FullName}");
    }
}
