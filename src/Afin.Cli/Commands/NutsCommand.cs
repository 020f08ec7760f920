using System.CommandLine;
using Afin.Posteriors;
using Afin.References;

namespace Afin.Cli.Commands;

/// <summary><c>afin nuts --problem FILE [...]</c>: the NUTS reference posterior of any problem.</summary>
internal static class NutsCommand
{
    internal static Command Create(CommandIO io)
    {
        var problem = CommonOptions.Problem();
        var output = CommonOptions.Output();
        var seed = CommonOptions.Seed();
        var draws = new Option<int>("--draws") { Description = "Draws per chain after warm-up.", DefaultValueFactory = _ => 1000 };
        var warmup = new Option<int>("--warmup") { Description = "Warm-up (adaptation) iterations per chain.", DefaultValueFactory = _ => 1000 };
        var chains = new Option<int>("--chains") { Description = "Chains, run in parallel.", DefaultValueFactory = _ => 4 };
        var samplesOut = new Option<FileInfo?>("--samples-out") { Description = "Write the pooled draws as CSV (one draw per line) to this file." };
        var command = new Command("nuts", "Posterior by the No-U-Turn sampler (multinomial NUTS, Stan-style adaptation).")
        {
            problem, draws, warmup, chains, seed, samplesOut, output,
        };
        command.SetAction((parse, cancellationToken) =>
        {
            var spec = CommandIO.ReadProblem(parse.GetValue(problem));
            NutsOptions options;
            try
            {
                options = new NutsOptions { Draws = parse.GetValue(draws), Warmup = parse.GetValue(warmup), Chains = parse.GetValue(chains), Seed = parse.GetValue(seed) };
                options.Validate(spec.Dimension);
            }
            catch (ArgumentException e)
            {
                throw new InvalidInputException($"nuts: {e.Message}");
            }
            var result = NutsSampler.Sample(spec.LogDensity(), options, new StderrProgress(io.Error), cancellationToken);
            var report = new PosteriorReport("nuts", result.Mean.ToArray(), result.GetCovariance(), result.Elapsed.TotalMilliseconds,
                new Dictionary<string, object>
                {
                    ["r_hat"] = result.RHat,
                    ["ess_bulk"] = result.BulkEss,
                    ["divergences"] = result.Divergences,
                    ["step_size"] = result.StepSizes,
                    ["gradient_evaluations"] = result.GradientEvaluations,
                    ["chains"] = result.Chains,
                    ["draws_per_chain"] = result.DrawsPerChain,
                    ["warmup"] = options.Warmup,
                    ["seed"] = options.Seed,
                });
            if (parse.GetValue(samplesOut) is { } samplesFile)
            {
                io.WriteSamples(result.GetPooledDraws(), samplesFile);
            }
            io.WriteResult(PosteriorJson.Serialize(report), parse.GetValue(output));
            io.Error.WriteLine($"nuts: {result.Chains} chains x {result.DrawsPerChain} draws in {result.Elapsed.TotalMilliseconds:F0} ms, " +
                $"max r_hat {result.RHat.Max():F3}, min ess_bulk {result.BulkEss.Min():F0}, divergences {result.Divergences}");
            return Task.FromResult(ExitCodes.Success);
        });
        return command;
    }

    /// <summary>Reports each chain's progress on standard error at every quarter of its iterations.</summary>
    private sealed class StderrProgress(TextWriter error) : IProgress<NutsProgress>
    {
        private readonly Dictionary<int, int> _lastQuarter = [];

        public void Report(NutsProgress value)
        {
            int quarter = 4 * value.Iteration / Math.Max(1, value.TotalIterations);
            lock (_lastQuarter)
            {
                if (quarter == 0 || _lastQuarter.GetValueOrDefault(value.Chain) == quarter)
                {
                    return;
                }
                _lastQuarter[value.Chain] = quarter;
                error.WriteLine($"chain {value.Chain}: {value.Iteration}/{value.TotalIterations}{(value.IsWarmup ? " (warm-up)" : "")}");
            }
        }
    }
}
