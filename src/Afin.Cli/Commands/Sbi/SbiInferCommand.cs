using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using Afin.Simulation.Estimators;

namespace Afin.Cli.Commands.Sbi;

/// <summary>
/// <c>afin sbi infer --model FILE --data FILE</c>: posterior summaries from a trained estimator for one data set (a JSON
/// array of numbers) or many (an array of such arrays), as JSON on standard output.
/// </summary>
internal static class SbiInferCommand
{
    internal static Command Create(CommandIO io)
    {
        var model = new Option<FileInfo>("--model", "-m") { Description = "A trained estimator (afin sbi train).", Required = true };
        var data = new Option<FileInfo>("--data") { Description = "JSON: one data set as an array of numbers (a grid row-major), or an array of data sets.", Required = true };
        var samples = new Option<bool>("--include-samples") { Description = "Also write the posterior draws (NPE and NRE)." };
        var seed = CommonOptions.Seed();
        var output = new Option<FileInfo?>("--output", "-o") { Description = "Write the JSON here instead of standard output." };
        var command = new Command("infer", "Posterior mean, median and 90% interval per parameter from a trained simulation-based estimator.")
        {
            model, data, samples, seed, output,
        };
        command.SetAction((parse, _) =>
        {
            using var estimator = LoadEstimator(parse.GetValue(model)!);
            var sets = ReadData(parse.GetValue(data)!);
            var clock = System.Diagnostics.Stopwatch.StartNew();
            IReadOnlyList<SimulationPosteriorSummary> summaries;
            try
            {
                summaries = estimator.Summarise(sets, parse.GetValue(seed));
            }
            catch (ArgumentException e)
            {
                throw new InvalidInputException($"--data: {e.Message}");
            }
            double milliseconds = clock.Elapsed.TotalMilliseconds;
            var json = new JsonObject
            {
                ["method"] = estimator.Kind.ToString(),
                ["data_sets"] = sets.Length,
                ["milliseconds_per_data_set"] = Math.Round(milliseconds / sets.Length, 3),
                ["posteriors"] = new JsonArray(summaries.Select(s => ToJson(s, parse.GetValue(samples))).ToArray()),
            };
            io.WriteResult(json.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + Environment.NewLine, parse.GetValue(output));
            return Task.FromResult(ExitCodes.Success);
        });
        return command;
    }

    private static SimulationEstimator LoadEstimator(FileInfo file)
    {
        try
        {
            return SimulationEstimator.Load(file.FullName);
        }
        catch (Exception e) when (e is FileNotFoundException or InvalidDataException or InvalidOperationException)
        {
            throw new InvalidInputException($"--model: {e.Message}");
        }
    }

    private static float[][] ReadData(FileInfo file)
    {
        if (!file.Exists)
        {
            throw new InvalidInputException($"--data: file '{file.FullName}' does not exist");
        }
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(File.ReadAllText(file.FullName));
        }
        catch (JsonException e)
        {
            throw new InvalidInputException($"--data: not valid JSON: {e.Message}");
        }
        if (root is not JsonArray array || array.Count == 0)
        {
            throw new InvalidInputException("--data: expected a non-empty JSON array (one data set) or an array of arrays (many)");
        }
        return array[0] is JsonArray
            ? array.Select((row, i) => Numbers(row as JsonArray, $"data[{i}]")).ToArray()
            : [Numbers(array, "data")];
    }

    private static float[] Numbers(JsonArray? array, string where)
    {
        if (array is null)
        {
            throw new InvalidInputException($"--data: {where} is not an array of numbers");
        }
        return array.Select((v, k) => v is JsonValue value && value.TryGetValue(out double x)
            ? (float)x
            : throw new InvalidInputException($"--data: {where}[{k}] is {v?.ToJsonString() ?? "null"}; expected a number")).ToArray();
    }

    private static JsonObject ToJson(SimulationPosteriorSummary summary, bool withSamples)
    {
        var json = new JsonObject
        {
            ["mean"] = Numbers(summary.Mean),
            ["median"] = Numbers(summary.Median),
            ["lower"] = Numbers(summary.Lower),
            ["upper"] = Numbers(summary.Upper),
            ["credible_level"] = double.IsFinite(summary.CredibleLevel) ? summary.CredibleLevel : null,
        };
        if (withSamples && summary.Samples is { } draws)
        {
            json["samples"] = new JsonArray(draws.Select(d => (JsonNode)Numbers(d)).ToArray());
        }
        return json;
    }

    // NaN (a figure the method does not give, such as an NBE's mean when it was trained without one) becomes null.
    private static JsonArray Numbers(double[] values) => new(values.Select(v => double.IsFinite(v) ? JsonValue.Create(v) : null).ToArray());
}
