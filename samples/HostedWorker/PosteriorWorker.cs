using Afin.Extensions.DependencyInjection;
using Afin.Modelling;
using Afin.References;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Afin.Samples.HostedWorker;

/// <summary>
/// Sends a few concurrent requests (as an ASP.NET endpoint under load would) and one batch request through the injected engine,
/// prints the posteriors next to the exact ones, then stops the host so that <c>dotnet run</c> exits.
/// </summary>
internal sealed class PosteriorWorker(IAfinPosteriorEngine engine, IOptions<AfinEngineOptions> options, IHostApplicationLifetime lifetime) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            var settings = options.Value;
            Console.WriteLine($"HostedWorker: model {(string.IsNullOrWhiteSpace(settings.ModelPath) ? "default (embedded in Afin.dll)" : settings.ModelPath)}, " +
                $"batch size {settings.BatchSize}, {settings.SampleCount} samples per result");
            var problems = Problems(8);

            // Concurrent single-problem requests: the engine gathers them into shared forward passes.
            var results = await Task.WhenAll(problems.Select(p => Task.Run(() => engine.InferAsync(p, stoppingToken), stoppingToken)));
            for (int i = 0; i < problems.Length; i++)
            {
                var exact = ExactPosterior.Compute(problems[i]);
                Console.WriteLine($"request {i}: mean [{Format(results[i].Mean)}] sd [{Format(results[i].StdDev)}] " +
                    $"exact mean [{Format(exact.Mean)}] in range {results[i].InTrainingRange}, {results[i].Samples?.GetLength(0) ?? 0} draws");
            }

            // One batch request.
            var batch = await engine.InferBatchAsync(problems, stoppingToken);
            double maxDifference = batch.Zip(results).Max(p => p.First.Mean.Zip(p.Second.Mean, (a, b) => Math.Abs(a - b)).Max());
            Console.WriteLine($"batch request: {batch.Count} posteriors, max |mean difference| to the single requests = {maxDifference:G3}");
            if (engine is AfinPosteriorEngine stats)
            {
                Console.WriteLine($"engine: {stats.ProblemsInferred} problems in {stats.ForwardPasses} forward passes");
            }
            Console.WriteLine("HostedWorker: done");
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            Console.Error.WriteLine($"HostedWorker: failed: {e.Message}");
            Environment.ExitCode = 1;
        }
        finally
        {
            lifetime.StopApplication();
        }
    }

    private static string Format(double[] values) => string.Join(", ", values.Select(v => v.ToString("F3", System.Globalization.CultureInfo.InvariantCulture)));

    /// <summary>Small linear regressions (d = 2, N = 5), simulated with a fixed seed.</summary>
    private static BayesianProblem[] Problems(int count)
    {
        var random = new Random(42);
        double Normal() => Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
        return Enumerable.Range(0, count).Select(_ =>
        {
            double[] z = [Normal(), Normal()];
            var x = new double[5, 2];
            var y = new double[5];
            for (int n = 0; n < 5; n++)
            {
                x[n, 0] = Normal();
                x[n, 1] = Normal();
                y[n] = x[n, 0] * z[0] + x[n, 1] * z[1] + 0.5 * Normal();
            }
            return BayesianProblem.Create(new GaussianPrior(0.0, 1.0), [new LinearGaussianBlock(x, y, 0.5)]);
        }).ToArray();
    }
}
