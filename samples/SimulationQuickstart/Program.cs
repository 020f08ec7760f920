// Amortized inference for a simulator: train a neural posterior estimator once, then get posteriors for new data in
// milliseconds, in C# and in an ML.NET pipeline whose model zip carries the estimator.
// Usage: dotnet run --project samples/SimulationQuickstart [-- --quick]
using System.Diagnostics;
using Afin.MLNet;
using Afin.MLNet.Simulation;
using Afin.Samples.SimulationQuickstart;
using Afin.Simulation;
using Afin.Simulation.Estimators;
using Afin.Simulation.Training;
using Microsoft.ML;
using Microsoft.ML.Data;

bool quick = args.Contains("--quick");
var prior = new UniformPrior([0.5, 0.1], [2.0, 1.5]);   // amplitude, rate
var simulator = new DecaySimulator();
var training = new SimulationTrainingOptions
{
    TrainingSimulations = quick ? 2_000 : 20_000,
    ValidationSimulations = quick ? 300 : 2_000,
    Epochs = quick ? 4 : 60,
    Seed = 1,
};
Console.WriteLine($"SimulationQuickstart: training a neural posterior estimator on {training.TrainingSimulations} simulations of a decay curve");
var clock = Stopwatch.StartNew();
using var npe = NeuralPosteriorEstimator.Train(prior, simulator, new NeuralPosteriorEstimatorOptions { Samples = 500 }, training,
    new EpochPrinter());
Console.WriteLine($"trained in {clock.Elapsed.TotalSeconds:F1} s ({npe.Training.Epochs} epochs, best {npe.Training.BestEpoch})");

// "Observed" data sets with known parameters, to see the posteriors cover them.
var observed = SimulationSet.Simulate(prior, simulator, 5, seed: 42);
var rows = Enumerable.Range(0, observed.Count).Select(i => new CurveRow { Data = observed.DataOf(i).ToArray() }).ToArray();
clock.Restart();
var posteriors = npe.Summarise(rows.Select(r => r.Data).ToArray(), seed: 7);
Console.WriteLine($"posteriors for {rows.Length} curves in {clock.Elapsed.TotalMilliseconds:F1} ms");
for (int i = 0; i < rows.Length; i++)
{
    var truth = observed.ParametersOf(i);
    var p = posteriors[i];
    Console.WriteLine($"curve {i}: amplitude {p.Median[0]:F3} [{p.Lower[0]:F3}, {p.Upper[0]:F3}] (true {truth[0]:F3}), " +
        $"rate {p.Median[1]:F3} [{p.Lower[1]:F3}, {p.Upper[1]:F3}] (true {truth[1]:F3})");
}

// The same estimator in an ML.NET pipeline: one row per curve, saved and reloaded with the model zip.
var ml = new MLContext(seed: 1);
var data = ml.Data.LoadFromEnumerable(rows);
using var transformer = ml.Transforms.SimulationPosterior(new SimulationPosteriorOptions { Estimator = npe, Seed = 7 }).Fit(data);
string zip = Path.Combine(Path.GetTempPath(), $"simulation-quickstart-{Guid.NewGuid():N}.zip");
ml.Model.Save(transformer, data.Schema, zip);
var reloaded = new MLContext(seed: 2).Model.Load(zip, out _);
// Transform is lazy: each GetColumn call would be another pass with its own inference, so the three columns are read
// in one pass (CreateEnumerable; or one cursor, or mlContext.Data.Cache naming the columns).
var before = ml.Data.CreateEnumerable<CurvePosterior>(transformer.Transform(data), reuseRowObject: false).ToArray();
var after = ml.Data.CreateEnumerable<CurvePosterior>(reloaded.Transform(data), reuseRowObject: false).ToArray();
File.Delete(zip);
Console.WriteLine($"ML.NET, curve 0: amplitude {before[0].Median[0]:F3} [{before[0].Lower[0]:F3}, {before[0].Upper[0]:F3}], " +
    $"rate {before[0].Median[1]:F3} [{before[0].Lower[1]:F3}, {before[0].Upper[1]:F3}]");
static bool Close(double[] a, double[] b) => a.Length == b.Length && a.Zip(b).All(v => Math.Abs(v.First - v.Second) < 1e-6);
bool agree = before.Zip(after).All(p => Close(p.First.Median, p.Second.Median) && Close(p.First.Lower, p.Second.Lower) && Close(p.First.Upper, p.Second.Upper));
Console.WriteLine(agree ? "Reloaded outputs agree." : "Reloaded outputs DIFFER.");
return agree ? 0 : 1;

/// <summary>One curve per row.</summary>
internal sealed class CurveRow
{
    [VectorType(DecaySimulator.Times)]
    public float[] Data { get; set; } = [];
}

/// <summary>The posterior columns the sample reads, filled in one pass over the transformed rows.</summary>
internal sealed class CurvePosterior
{
    /// <summary>Posterior median of (amplitude, rate).</summary>
    public double[] Median { get; set; } = [];

    /// <summary>Lower end of the credible interval.</summary>
    public double[] Lower { get; set; } = [];

    /// <summary>Upper end of the credible interval.</summary>
    public double[] Upper { get; set; } = [];
}

/// <summary>Prints each epoch's losses (on the training thread).</summary>
internal sealed class EpochPrinter : IProgress<SimulationTrainingProgress>
{
    public void Report(SimulationTrainingProgress p) =>
        Console.WriteLine($"  epoch {p.Epoch}: training loss {p.TrainingLoss:F3}, validation loss {p.ValidationLoss:F3}");
}
