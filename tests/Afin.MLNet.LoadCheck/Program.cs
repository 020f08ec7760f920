// Loads an ML.NET model zip in a fresh process (new MLContext, no registration call, no Afin.MLNet type named),
// transforms the rows of a JSON file and writes the posterior columns as JSON. Used by the cross-process test.
// Usage: Afin.MLNet.LoadCheck <model.zip> <rows.json> <output.json> [simulation]
// With "simulation", the rows are data sets (DataSetRow) and the simulation posterior's columns are written.
using System.Text.Json;
using Afin.MLNet.LoadCheck;
using Microsoft.ML;
using Microsoft.ML.Data;

bool simulation = args.Length == 4 && args[3] == "simulation";
if (args.Length != 3 && !simulation)
{
    Console.Error.WriteLine("usage: Afin.MLNet.LoadCheck <model.zip> <rows.json> <output.json> [simulation]");
    return 2;
}
var mlContext = new MLContext(seed: 1);
var model = mlContext.Model.Load(args[0], out _);
var text = File.ReadAllText(args[1]);
var input = simulation
    ? mlContext.Data.LoadFromEnumerable(JsonSerializer.Deserialize<DataSetRow[]>(text) ?? [])
    : mlContext.Data.LoadFromEnumerable(JsonSerializer.Deserialize<ProblemRow[]>(text) ?? []);
var output = model.Transform(input);
var result = new Dictionary<string, double[][]>();
string[] columns = simulation ? ["Mean", "Median", "Lower", "Upper"] : ["PosteriorMean", "PosteriorStdDev", "PosteriorCovariance"];
foreach (var name in columns)
{
    result[name] = output.GetColumn<double[]>(name).ToArray();
}
File.WriteAllText(args[2], JsonSerializer.Serialize(result));
Console.WriteLine($"transformed {result[columns[0]].Length} rows with {model.GetType().Name}");
return 0;
