// Loads an ML.NET model zip in a fresh process (new MLContext, no registration call, no Afin.MLNet type named),
// transforms the rows of a JSON file and writes the posterior columns as JSON. Used by the cross-process test.
// Usage: Afin.MLNet.LoadCheck <model.zip> <rows.json> <output.json>
using System.Text.Json;
using Afin.MLNet.LoadCheck;
using Microsoft.ML;
using Microsoft.ML.Data;

if (args.Length != 3)
{
    Console.Error.WriteLine("usage: Afin.MLNet.LoadCheck <model.zip> <rows.json> <output.json>");
    return 2;
}
var mlContext = new MLContext(seed: 1);
var model = mlContext.Model.Load(args[0], out _);
var rows = JsonSerializer.Deserialize<ProblemRow[]>(File.ReadAllText(args[1])) ?? [];
var output = model.Transform(mlContext.Data.LoadFromEnumerable(rows));
var result = new Dictionary<string, double[][]>();
foreach (var name in new[] { "PosteriorMean", "PosteriorStdDev", "PosteriorCovariance" })
{
    result[name] = output.GetColumn<double[]>(name).ToArray();
}
File.WriteAllText(args[2], JsonSerializer.Serialize(result));
Console.WriteLine($"transformed {rows.Length} rows with {model.GetType().Name}");
return 0;
