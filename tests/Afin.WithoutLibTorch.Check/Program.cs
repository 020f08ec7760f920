// Infers through every public path in a process built without libtorch, then reports what it loaded and what
// fine-tuning says. Arguments: the sample problem files. Output: one "key: value" line per fact (read by WithoutLibTorchTests).
using Afin.Extensions.DependencyInjection;
using Afin.Inference;
using Afin.MLNet;
using Afin.Modelling;
using Afin.Persistence;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.ML;

var problems = args.Select(ProblemJson.Load).ToArray();
var model = AfinModel.LoadDefault();
foreach (var (problem, i) in problems.Select((p, i) => (p, i)))
{
    foreach (var mode in new[] { InferenceMode.Amortized, InferenceMode.Auto })
    {
        var outcome = AfinInference.Run(model, problem, mode);
        Console.WriteLine($"problem {i} {mode}: mean[0] {outcome.Mean[0]:G6} by {outcome.Method}");
    }
}

using (var services = new ServiceCollection().AddAfinPosterior(o => o.Mode = InferenceMode.Amortized).BuildServiceProvider())
{
    var result = await services.GetRequiredService<IAfinPosteriorEngine>().InferAsync(problems[0]);
    Console.WriteLine($"DI engine: mean[0] {result.Mean[0]:G6} by {result.Method}");
}

var ml = new MLContext(seed: 1);
var rows = ml.Data.LoadFromEnumerable(StoreVisits());
var grouping = new ObservationGroupingOptions
{
    GroupColumn = nameof(Visit.Store), FeaturesColumn = nameof(Visit.Features), LabelColumn = nameof(Visit.Bought),
    LikelihoodFamily = "bernoulli_logit", PriorLoc = [0.0], PriorScale = [1.0],
};
var grouped = ml.Data.GroupObservations(rows, grouping);
var transformer = ml.Transforms.AfinPosterior(new AfinPosteriorOptions { Mode = InferenceMode.Amortized }).Fit(grouped);
var posteriors = ml.Data.ReadGroupPosteriors<string>(transformer.Transform(grouped), nameof(Visit.Store));
Console.WriteLine($"ML.NET transformer: {posteriors.Count} posteriors");

Console.WriteLine($"TorchSharp managed assembly loaded: {AppDomain.CurrentDomain.GetAssemblies().Any(a => a.GetName().Name == "TorchSharp")}");
Console.WriteLine($"native torch libraries mapped: {MappedTorchLibraries()}");

try
{
    ml.Transforms.AfinPosterior(new AfinPosteriorOptions { Mode = InferenceMode.Amortized, FineTuneSteps = 5 }).Fit(grouped);
    Console.WriteLine("fine-tuning: ran");
}
catch (Exception e)
{
    Console.WriteLine($"fine-tuning: {e.GetType().Name}: {e.Message.ReplaceLineEndings(" ")}");
}

// The native libraries of torch this process has mapped (Linux: /proc/self/maps), or "unknown" elsewhere.
static string MappedTorchLibraries()
{
    if (!OperatingSystem.IsLinux())
    {
        return "unknown";
    }
    var names = File.ReadLines("/proc/self/maps")
        .Select(line => Path.GetFileName(line.Split(' ', StringSplitOptions.RemoveEmptyEntries).LastOrDefault() ?? ""))
        .Where(name => name.Contains(".so", StringComparison.Ordinal)
            && (name.Contains("torch", StringComparison.OrdinalIgnoreCase) || name.StartsWith("libc10", StringComparison.Ordinal)))
        .Distinct()
        .ToArray();
    return names.Length == 0 ? "none" : string.Join(", ", names);
}

// Six stores' visits: two features, a purchase label.
static IEnumerable<Visit> StoreVisits()
{
    var random = new Random(3);
    for (int s = 0; s < 6; s++)
    {
        for (int n = 0; n < 20; n++)
        {
            float a = (float)(random.NextDouble() * 2 - 1), b = (float)(random.NextDouble() * 2 - 1);
            yield return new Visit { Store = $"s{s}", Features = [a, b], Bought = random.NextDouble() < 1 / (1 + Math.Exp(-(a - b))) ? 1f : 0f };
        }
    }
}

/// <summary>One visit: the store, its two features and whether it ended in a purchase.</summary>
internal sealed class Visit
{
    public string Store { get; set; } = "";

    [Microsoft.ML.Data.VectorType(2)]
    public float[] Features { get; set; } = [];

    public float Bought { get; set; }
}
