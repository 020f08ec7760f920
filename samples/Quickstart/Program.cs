// AFIN quickstart: per-store linear regressions as an ML.NET pipeline, then next week's sales predicted per store.
//   dotnet run --project samples/Quickstart                  (the default model shipped in Afin.dll)
//   dotnet run --project samples/Quickstart -- --model my.afin
using Afin.MLNet;
using Afin.MLNet.Prediction;
using Afin.Modelling;
using Afin.References;
using Microsoft.ML;
using Microsoft.ML.Data;

const int Stores = 20, D = 3, N = 30, Shown = 3;
const double Noise = 0.5, PriorScale = 1.0;
string? modelPath = null;
for (int i = 0; i < args.Length; i++)
{
    if (args[i] == "--model" && i + 1 < args.Length)
    {
        modelPath = args[++i];
    }
    else
    {
        Console.Error.WriteLine($"usage: Quickstart [--model <file.afin>]   (unknown argument '{args[i]}')");
        return 2;
    }
}

// 1. Simulate observation-level data: one row per sale, with the store as the group key.
var random = new Random(2024);
double Normal() => Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
var observations = new List<Sale>();
var truth = new Dictionary<string, double[]>();
for (int s = 0; s < Stores; s++)
{
    var z = Enumerable.Range(0, D).Select(_ => PriorScale * Normal()).ToArray();   // the store's true coefficients
    truth[$"store-{s:D2}"] = z;
    for (int n = 0; n < N; n++)
    {
        var x = Enumerable.Range(0, D).Select(_ => Normal()).ToArray();
        double y = x.Zip(z, (a, b) => a * b).Sum() + Noise * Normal();
        observations.Add(new Sale { Store = $"store-{s:D2}", Features = x.Select(v => (float)v).ToArray(), Amount = (float)y });
    }
}
Console.WriteLine($"Quickstart: {Stores} stores, linear regression with d = {D}, N = {N} observations each");

// 2. One problem row per store (prior N(0, 1), noise 0.5), then the AfinPosterior estimator.
var ml = new MLContext(seed: 1);
IDataView sales = ml.Data.LoadFromEnumerable(observations);
IDataView problems = ml.Data.GroupObservations(sales, new ObservationGroupingOptions
{
    GroupColumn = nameof(Sale.Store),
    FeaturesColumn = nameof(Sale.Features),
    LabelColumn = nameof(Sale.Amount),
    NoiseScale = Noise,
    PriorLoc = [0.0],
    PriorScale = [PriorScale],
});
AfinPosteriorTransformer transformer;
try
{
    transformer = ml.Transforms.AfinPosterior(new AfinPosteriorOptions { ModelPath = modelPath }).Fit(problems);
}
catch (InvalidOperationException e) when (modelPath is null)
{
    Console.Error.WriteLine($"cannot load the default model ({e.Message}); pass --model <file.afin>");
    return 1;
}
Console.WriteLine($"Model: {modelPath ?? "default (embedded in Afin.dll)"}");
IDataView output = transformer.Transform(problems);
// Transform is lazy: every pass over `output` runs inference again, so separate GetColumn calls for the mean, the
// standard deviations and the covariance would run it three times. ReadGroupPosteriors reads them all in one cursor
// (for other views: CreateEnumerable of a class with those columns, or mlContext.Data.Cache naming them).
var posteriors = ml.Data.ReadGroupPosteriors<string>(output, nameof(Sale.Store));
Console.WriteLine($"Posteriors: {posteriors.Count} rows, one per store");

// 3. Compare with the exact (conjugate) posterior for the first stores.
for (int g = 0; g < Shown; g++)
{
    var own = observations.Where(o => o.Store == posteriors[g].Key).ToArray();
    var x = new double[own.Length, D];
    for (int n = 0; n < own.Length; n++)
    {
        for (int j = 0; j < D; j++)
        {
            x[n, j] = own[n].Features[j];
        }
    }
    var problem = BayesianProblem.Create(new GaussianPrior(0.0, PriorScale), [new LinearGaussianBlock(x, own.Select(o => (double)o.Amount).ToArray(), Noise)]);
    var exact = ExactPosterior.Compute(problem);
    Console.WriteLine($"{posteriors[g].Key}:");
    for (int j = 0; j < D; j++)
    {
        Console.WriteLine($"  z[{j}]  AFIN {posteriors[g].Mean[j],8:F4} ± {posteriors[g].StdDev[j]:F4}   exact {exact.Mean[j],8:F4} ± {exact.StdDev[j]:F4}");
    }
}

// 4. Save the fitted transformer into an ML.NET zip, reload it in a fresh MLContext and check the outputs agree.
string zip = Path.Combine(Path.GetTempPath(), $"afin-quickstart-{Environment.ProcessId}.zip");
ml.Model.Save(transformer, problems.Schema, zip);
var fresh = new MLContext(seed: 2);
ITransformer reloaded = fresh.Model.Load(zip, out _);
var again = fresh.Data.ReadGroupPosteriors<string>(reloaded.Transform(problems), nameof(Sale.Store));
double maxDifference = posteriors.Zip(again).Max(p =>
    p.First.Mean.Concat(p.First.Covariance).Zip(p.Second.Mean.Concat(p.Second.Covariance), (a, b) => Math.Abs(a - b)).Max());
bool sameKeys = posteriors.Select(p => p.Key).SequenceEqual(again.Select(p => p.Key));
Console.WriteLine($"Saved {new FileInfo(zip).Length / 1024} KiB to {zip}; reloaded: max |difference| = {maxDifference:G3}");
(reloaded as IDisposable)?.Dispose();
File.Delete(zip);
if (!sameKeys || !(maxDifference <= 1e-6))
{
    Console.Error.WriteLine("reloaded outputs differ");
    return 1;
}
Console.WriteLine("Reloaded outputs agree.");

// 5. Predict next week's sales: the group predictor fits on the same observation rows and scores new rows per store
//    (Score = predictive mean, [Lower, Upper] = 90% interval with the noise); an unknown store gets the prior predictive.
var grouping = new ObservationGroupingOptions
{
    GroupColumn = nameof(Sale.Store), FeaturesColumn = nameof(Sale.Features), LabelColumn = nameof(Sale.Amount),
    NoiseScale = Noise, PriorLoc = [0.0], PriorScale = [PriorScale],
};
var predictor = ml.Transforms.AfinGroupPredictor(new AfinGroupPredictorOptions { Grouping = grouping, ModelPath = modelPath }).Fit(sales);
var nextWeek = new List<Sale>();
foreach (var (store, z) in truth)
{
    for (int n = 0; n < 10; n++)
    {
        var x = Enumerable.Range(0, D).Select(_ => Normal()).ToArray();
        nextWeek.Add(new Sale { Store = store, Features = x.Select(v => (float)v).ToArray(), Amount = (float)(x.Zip(z, (a, b) => a * b).Sum() + Noise * Normal()) });
    }
}
nextWeek.Add(new Sale { Store = "store-new", Features = [0.5f, -0.5f, 1f] });
var scored = ml.Data.CreateEnumerable<ScoredSale>(predictor.Transform(ml.Data.LoadFromEnumerable(nextWeek)), reuseRowObject: false).ToArray();
foreach (var row in scored.Where(r => r.Store == "store-00").Take(2).Concat(scored.Where(r => !r.KnownGroup)))
{
    Console.WriteLine($"  {row.Store}: predicted {row.Score,7:F3}, 90% interval [{row.Lower:F3}, {row.Upper:F3}]{(row.KnownGroup ? "" : " (unknown store: prior predictive)")}");
}
var known = scored.Where(r => r.KnownGroup).ToArray();
double covered = known.Count(r => r.Amount >= r.Lower && r.Amount <= r.Upper) / (double)known.Length;
Console.WriteLine($"Next week: {known.Length} sales of {predictor.GroupCount} stores; the 90% intervals hold {covered:P0} of them.");
return 0;

/// <summary>A scored sale: the input columns and the group predictor's outputs.</summary>
internal sealed class ScoredSale
{
    public string Store { get; set; } = "";

    public float Amount { get; set; }

    public float Score { get; set; }

    public float Lower { get; set; }

    public float Upper { get; set; }

    public bool KnownGroup { get; set; }
}

/// <summary>One observation: a store, its feature vector and the observed amount.</summary>
internal sealed class Sale
{
    /// <summary>The group key.</summary>
    public string Store { get; set; } = "";

    /// <summary>The design row x (d = 3).</summary>
    [VectorType(3)]
    public float[] Features { get; set; } = [];

    /// <summary>The observed value y.</summary>
    public float Amount { get; set; }
}
