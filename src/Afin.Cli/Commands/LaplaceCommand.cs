using System.CommandLine;
using System.Diagnostics;
using Afin.Laplace;
using Afin.Posteriors;

namespace Afin.Cli.Commands;

/// <summary>
/// <c>afin laplace --problem FILE [--output FILE] [--samples N --samples-out FILE] [--seed S] [--curvature auto|observed|expected]
/// [--max-iterations N]</c>: the Laplace approximation of any problem, N(mode, inverse curvature at the mode).
/// </summary>
/// <remarks>
/// A Newton search that stops short of its tolerance still exits 0 and writes its best point, flagged by
/// <c>"converged": false</c> and a warning on standard error: the point is usually close to the mode and the caller,
/// not the command, knows whether close is good enough.
/// </remarks>
internal static class LaplaceCommand
{
    internal static Command Create(CommandIO io)
    {
        var problem = CommonOptions.Problem();
        var output = CommonOptions.Output();
        var seed = CommonOptions.Seed();
        var samples = CommonOptions.Samples();
        var samplesOut = CommonOptions.SamplesOut();
        var curvature = new Option<string>("--curvature")
        {
            Description = "The precision: auto (the observed curvature where it is positive definite, else the expected information; default), " +
                "observed (with tiny eigenvalues raised to a floor) or expected (the expected information).",
            DefaultValueFactory = _ => LaplaceReport.CurvatureNames[0],
        };
        var maxIterations = new Option<int>("--max-iterations")
        {
            Description = "Newton iterations per start before the search stops and reports that it did not converge.",
            DefaultValueFactory = _ => new LaplaceOptions().MaxIterations,
        };
        var command = new Command("laplace", "Laplace approximation of any problem: a Gaussian at the posterior mode (damped Newton) with the inverse curvature there as its covariance.")
        {
            problem, curvature, maxIterations, samples, samplesOut, seed, output,
        };
        command.SetAction((parse, cancellationToken) =>
        {
            var spec = CommandIO.ReadProblem(parse.GetValue(problem));
            int sampleCount = parse.GetValue(samples);
            var samplesFile = CommonOptions.SamplesFile(sampleCount, parse.GetValue(samplesOut));
            var options = Options(parse.GetValue(curvature), parse.GetValue(maxIterations));
            var clock = Stopwatch.StartNew();
            var laplace = LaplaceApproximation.Compute(spec, options, cancellationToken);
            double elapsed = clock.Elapsed.TotalMilliseconds;
            var report = new PosteriorReport("laplace", laplace.Mode, laplace.Covariance, elapsed, LaplaceReport.AddTo(new Dictionary<string, object>(), laplace));
            // Serialised before any file is written: a report that cannot be written must leave no samples file behind either.
            string json = PosteriorJson.Serialize(report);
            if (samplesFile is not null)
            {
                io.WriteSamples(laplace.Sample(sampleCount, parse.GetValue(seed)), samplesFile);
            }
            io.WriteResult(json, parse.GetValue(output));
            if (!laplace.Converged)
            {
                io.Error.WriteLine(LaplaceReport.Warning("laplace", laplace));
            }
            return Task.FromResult(ExitCodes.Success);
        });
        return command;
    }

    private static LaplaceOptions Options(string? curvature, int maxIterations)
    {
        if (maxIterations < 1)
        {
            throw new InvalidInputException($"--max-iterations: expected at least 1, got {maxIterations}");
        }
        return new LaplaceOptions { Curvature = LaplaceReport.ParseCurvature(curvature), MaxIterations = maxIterations };
    }
}
