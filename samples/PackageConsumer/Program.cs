// A user's app built against the Afin packages: per-customer logistic regressions through ML.NET
// (Fit, Transform, Save, Load in a fresh MLContext), one problem through dependency injection, and Fit with fine-tuning.
using Afin.Extensions.DependencyInjection;
using Afin.MLNet;
using Afin.Modelling;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.ML;
using Microsoft.ML.Data;

const int Customers = 6, D = 2, N = 25;
var random = new Random(7);
var visits = new List<Visit>();
for (int c = 0; c < Customers; c++)
{
    var z = new[] { random.NextDouble() * 2 - 1, random.NextDouble() * 2 - 1 };
    for (int n = 0; n < N; n++)
    {
        var x = new[] { random.NextDouble() * 2 - 1, random.NextDouble() * 2 - 1 };
        double p = 1 / (1 + Math.Exp(-(x[0] * z[0] + x[1] * z[1])));
        visits.Add(new Visit { Customer = $"c{c}", Features = x.Select(v => (float)v).ToArray(), Bought = random.NextDouble() < p ? 1f : 0f });
    }
}

// ML.NET: one problem row per customer, posteriors from the model shipped inside the Afin package.
var ml = new MLContext(seed: 1);
IDataView problems = ml.Data.GroupObservations(ml.Data.LoadFromEnumerable(visits), new ObservationGroupingOptions
{
    GroupColumn = nameof(Visit.Customer),
    FeaturesColumn = nameof(Visit.Features),
    LabelColumn = nameof(Visit.Bought),
    LikelihoodFamily = "bernoulli_logit",
    PriorLoc = [0.0],
    PriorScale = [1.0],
});
var transformer = ml.Transforms.AfinPosterior().Fit(problems);
var posteriors = ml.Data.ReadGroupPosteriors<string>(transformer.Transform(problems), nameof(Visit.Customer));
Console.WriteLine($"PackageConsumer: {posteriors.Count} posteriors; {posteriors[0].Key}: mean [{string.Join(", ", posteriors[0].Mean.Select(m => m.ToString("F4")))}]");

string zip = Path.Combine(Path.GetTempPath(), $"afin-package-consumer-{Environment.ProcessId}.zip");
ml.Model.Save(transformer, problems.Schema, zip);
var fresh = new MLContext(seed: 2);
ITransformer reloaded = fresh.Model.Load(zip, out _);
var again = fresh.Data.ReadGroupPosteriors<string>(reloaded.Transform(problems), nameof(Visit.Customer));
(reloaded as IDisposable)?.Dispose();
File.Delete(zip);
double difference = posteriors.Zip(again).Max(p => p.First.Mean.Zip(p.Second.Mean, (a, b) => Math.Abs(a - b)).Max());
Console.WriteLine($"Saved and reloaded: max |mean difference| = {difference:G3}");

// Dependency injection: the engine a hosted service would use.
using var services = new ServiceCollection().AddAfinPosterior().BuildServiceProvider();
var engine = services.GetRequiredService<IAfinPosteriorEngine>();
var first = visits.Where(v => v.Customer == "c0").ToArray();
var x0 = new double[first.Length, D];
for (int n = 0; n < first.Length; n++)
{
    x0[n, 0] = first[n].Features[0];
    x0[n, 1] = first[n].Features[1];
}
var result = await engine.InferAsync(BayesianProblem.Create(new GaussianPrior(0.0, 1.0), [new BernoulliLogitBlock(x0, first.Select(v => (double)v.Bought).ToArray())]));
Console.WriteLine($"DI engine: c0 mean [{string.Join(", ", result.Mean.Select(m => m.ToString("F4")))}] by {result.Method}");

// Fine-tuning on the customers' own designs trains the network with TorchSharp (libtorch comes with Afin.MLNet).
var tuning = ml.Transforms.AfinPosterior(new AfinPosteriorOptions { FineTuneSteps = 3 });
var tuned = ml.Data.ReadGroupPosteriors<string>(tuning.Fit(problems).Transform(problems), nameof(Visit.Customer));
Console.WriteLine($"Fine-tuned {tuning.LastFineTuneReport!.Steps} steps: {tuned.Count} posteriors");
if (!(difference <= 1e-6))
{
    Console.Error.WriteLine("reloaded outputs differ");
    return 1;
}
Console.WriteLine("PackageConsumer: done");
return 0;

/// <summary>One visit: a customer, two features and whether they bought.</summary>
internal sealed class Visit
{
    public string Customer { get; set; } = "";

    [VectorType(2)]
    public float[] Features { get; set; } = [];

    public float Bought { get; set; }
}
