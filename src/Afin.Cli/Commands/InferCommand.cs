using System.CommandLine;
using System.Diagnostics;
using Afin.Network;
using Afin.Persistence;
using Afin.Posteriors;

namespace Afin.Cli.Commands;

/// <summary><c>afin infer --problem FILE [--model FILE] [--samples N --samples-out FILE]</c>: the AFIN posterior in one forward pass.</summary>
internal static class InferCommand
{
    internal static Command Create(CommandIO io)
    {
        var problem = CommonOptions.Problem();
        var output = CommonOptions.Output();
        var seed = CommonOptions.Seed();
        var model = new Option<FileInfo?>("--model", "-m") { Description = "Model file; the default model shipped with the library when omitted." };
        var architecture = new Option<AfinArchitecture?>("--architecture")
        {
            Description = "Use the shipped model of this architecture: Faithful (the default model) or Pooled (5-15x faster on a CPU, less accurate with many linear or Student-t observations).",
        };
        var samples = new Option<int>("--samples") { Description = "Number of posterior draws to write to --samples-out.", DefaultValueFactory = _ => 0 };
        var samplesOut = new Option<FileInfo?>("--samples-out") { Description = "CSV file for the draws (one per line)." };
        var command = new Command("infer", "AFIN posterior of a problem: one forward pass of a trained network.")
        {
            problem, model, architecture, samples, samplesOut, seed, output,
        };
        command.SetAction(parse =>
        {
            var spec = CommandIO.ReadProblem(parse.GetValue(problem));
            int sampleCount = parse.GetValue(samples);
            var samplesFile = parse.GetValue(samplesOut);
            if (sampleCount < 0 || (sampleCount > 0) != (samplesFile is not null))
            {
                throw new InvalidInputException("--samples N (N > 0) and --samples-out FILE go together");
            }
            using var afin = LoadModel(parse.GetValue(model), parse.GetValue(architecture));
            afin.Infer(spec); // warm-up: the first forward pass pays one-off initialisation
            var clock = Stopwatch.StartNew();
            var posterior = afin.Infer(spec);
            double elapsed = clock.Elapsed.TotalMilliseconds;
            string method = posterior.Family == PosteriorFamily.Gaussian ? "afin-gaussian" : "afin-flow";
            var report = new PosteriorReport(method, posterior.Mean, posterior.Covariance, elapsed, new Dictionary<string, object>
            {
                ["in_training_range"] = afin.Covers(spec),
                ["training_range"] = $"d {afin.Tasks.MinDimension}..{afin.Tasks.MaxDimension}, N {afin.Tasks.MinSites}..{afin.Tasks.MaxSites}",
                ["model_steps"] = afin.Training.Steps,
                ["model_architecture"] = afin.Network.Options.Architecture.ToString(),
            });
            if (samplesFile is not null)
            {
                io.WriteSamples(posterior.Sample(sampleCount, parse.GetValue(seed)), samplesFile);
            }
            io.WriteResult(PosteriorJson.Serialize(report), parse.GetValue(output));
            if (!afin.Covers(spec))
            {
                io.Error.WriteLine($"warning: the problem (d = {spec.Dimension}, N = {spec.ObservationCount}) lies outside the model's training range; the posterior may be inaccurate");
            }
            return ExitCodes.Success;
        });
        return command;
    }

    internal static AfinModel LoadModel(FileInfo? file, AfinArchitecture? shipped = null)
    {
        if (file is not null && shipped is not null)
        {
            throw new InvalidInputException("--model and --architecture exclude each other: --architecture picks a model shipped with the library");
        }
        if (file is null)
        {
            return shipped is { } architecture ? AfinModel.LoadDefault(architecture) : AfinModel.LoadDefault();
        }
        if (!file.Exists)
        {
            throw new InvalidInputException($"--model: file '{file.FullName}' does not exist");
        }
        try
        {
            return AfinModel.Load(file.FullName);
        }
        catch (InvalidDataException e)
        {
            throw new InvalidInputException($"--model: {e.Message}");
        }
    }
}
