using System.CommandLine;
using Afin.Inference;
using Afin.Modelling;
using Afin.Network;
using Afin.Persistence;
using Afin.Posteriors;

namespace Afin.Cli.Commands;

/// <summary>
/// <c>afin infer --problem FILE [--model FILE] [--mode amortized|corrected|auto|laplace] [--draws N] [--samples N --samples-out FILE]</c>:
/// the AFIN posterior in one forward pass, optionally checked by importance sampling and repaired or replaced; or, with
/// <c>--mode laplace</c>, the Laplace approximation, for which no model is loaded.
/// </summary>
internal static class InferCommand
{
    internal static Command Create(CommandIO io)
    {
        var problem = CommonOptions.Problem();
        var output = CommonOptions.Output();
        var seed = CommonOptions.Seed();
        var model = ModelOption();
        var architecture = ArchitectureOption();
        var mode = ModeOption();
        var draws = DrawsOption();
        var samples = CommonOptions.Samples();
        var samplesOut = CommonOptions.SamplesOut();
        var command = new Command("infer", "AFIN posterior of a problem: one forward pass of a trained network, with an optional importance-sampling check.")
        {
            problem, model, architecture, mode, draws, samples, samplesOut, seed, output,
        };
        command.SetAction((parse, cancellationToken) =>
        {
            var spec = CommandIO.ReadProblem(parse.GetValue(problem));
            int sampleCount = parse.GetValue(samples);
            var samplesFile = CommonOptions.SamplesFile(sampleCount, parse.GetValue(samplesOut));
            var inferenceMode = InferenceReport.ParseMode(parse.GetValue(mode));
            var options = Options(inferenceMode, parse.GetValue(draws), parse.GetValue(seed));
            var (afin, outcome) = Answer(spec, inferenceMode, options, parse.GetValue(model), parse.GetValue(architecture), cancellationToken);
            // Serialised before any file is written: a report that cannot be written must leave no samples file behind either.
            string json = PosteriorJson.Serialize(InferenceReport.Create(afin, outcome));
            if (samplesFile is not null)
            {
                io.WriteSamples(outcome.Sample(sampleCount, parse.GetValue(seed)), samplesFile);
            }
            io.WriteResult(json, parse.GetValue(output));
            WriteMessages(io, spec, outcome);
            return Task.FromResult(ExitCodes.Success);
        });
        return command;
    }

    internal static Option<FileInfo?> ModelOption() => new("--model", "-m") { Description = "Model file; the default model shipped with the library when omitted." };

    internal static Option<AfinArchitecture?> ArchitectureOption() => new("--architecture")
    {
        Description = "Use the shipped model of this architecture: Pooled (the default model, in Laplace coordinates) or Faithful (the earlier default, in the problems' own coordinates; far less accurate on realistic problems).",
    };

    internal static Option<string> ModeOption() => new("--mode")
    {
        Description = "auto (default): the exact posterior where the problem is conjugate, else AFIN when its importance weights show it is close, " +
            "else importance sampling from the better of AFIN, a Laplace-t proposal and their mixture when its Monte Carlo error is under 0.05 sd (less for many coefficients), else NUTS drawn to the same bar; " +
            "amortized: the AFIN posterior alone, the fastest, with a quick k-hat reported; corrected: always importance sampling from the best proposal; " +
            "laplace: the Laplace approximation, without the network (no model is loaded).",
        DefaultValueFactory = _ => InferenceReport.ModeNames[(int)InferenceMode.Auto],
    };

    internal static Option<int?> DrawsOption() => new("--draws")
    {
        Description = $"Draws per proposal for the importance check of --mode corrected or auto (default {new AutoInferenceOptions().ProposalDraws}; more are drawn when the Monte Carlo error asks for them).",
    };

    /// <summary>
    /// The posterior in <paramref name="mode"/>, and the model that answered (null where none was needed). Laplace mode and
    /// exact answers need no network: unless one is named, no model is loaded.
    /// </summary>
    internal static (AfinModel? Model, InferenceOutcome Outcome) Answer(BayesianProblem spec, InferenceMode mode, AutoInferenceOptions options,
        FileInfo? modelFile, AfinArchitecture? architecture, CancellationToken cancellationToken)
    {
        var withoutModel = mode == InferenceMode.Laplace ? null : AfinInference.RunWithoutModel(spec, mode, options, cancellationToken);
        bool modelNamed = modelFile is not null || architecture is not null;
        var afin = mode == InferenceMode.Laplace
            ? NoModel(modelFile, architecture)
            : withoutModel is null || modelNamed ? LoadModel(modelFile, architecture) : null;
        var outcome = withoutModel
            ?? (afin is null ? AfinInference.RunLaplace(spec, options, cancellationToken) : Run(afin, spec, mode, options, cancellationToken));
        return (afin, outcome);
    }

    private static InferenceOutcome Run(AfinModel afin, BayesianProblem spec, InferenceMode mode, AutoInferenceOptions options, CancellationToken cancellationToken)
    {
        // Auto and Corrected skip the network for a family it has no adapter for (it was never trained on it either).
        if (AfinInference.NeedsNetwork(afin, spec, mode))
        {
            CheckAdapters(afin, spec);
            afin.Infer(spec); // warm-up: the first forward pass pays one-off initialisation
        }
        return AfinInference.Run(afin, spec, mode, options, cancellationToken);
    }

    /// <summary>
    /// Refuses, as invalid input naming the block, a likelihood family the model's network has no adapter for: the problem
    /// is valid, but not for this model, and the user can choose another model or <c>--mode laplace</c>.
    /// </summary>
    private static void CheckAdapters(AfinModel afin, BayesianProblem spec)
    {
        int version = afin.Options.FeatureVersion;
        var families = AfinNetworkOptions.LikelihoodFamiliesOf(version);
        for (int i = 0; i < spec.Blocks.Count; i++)
        {
            if (spec.Blocks[i] is LinearBlock { Weight: not null })
            {
                throw new InvalidInputException($"observations[{i}].weight: AFIN networks were not trained on weighted observations: " +
                    "use --mode auto or corrected, which weigh draws from the Laplace-t proposal or run NUTS, or --mode laplace");
            }
            string family = spec.Blocks[i].Family;
            // The network never sees a block without rows.
            if (spec.Blocks[i].Count == 0 || families.Contains(family))
            {
                continue;
            }
            int first = Enumerable.Range(version + 1, AfinNetworkOptions.LatestFeatureVersion - version)
                .First(v => AfinNetworkOptions.LikelihoodFamiliesOf(v).Contains(family));
            throw new InvalidInputException(
                $"observations[{i}].family: AFIN networks of feature version {version} have no adapter for the likelihood family '{family}' " +
                $"(feature version {first} added it): use a model trained with --feature-version {first} or later, --mode auto, which weighs draws from the Laplace-t proposal instead, or --mode laplace");
        }
    }

    /// <summary>
    /// Laplace mode loads no model; naming one is refused rather than ignored, so that a user who expects the network
    /// to answer learns that it does not.
    /// </summary>
    private static AfinModel? NoModel(FileInfo? file, AfinArchitecture? shipped)
    {
        if (file is not null || shipped is not null)
        {
            throw new InvalidInputException($"{(file is not null ? "--model" : "--architecture")} does not apply to --mode laplace, which does not use the network");
        }
        return null;
    }

    /// <summary>The inference options from the command line; --draws only means something when weights are computed.</summary>
    internal static AutoInferenceOptions Options(InferenceMode mode, int? draws, int seed)
    {
        var options = new AutoInferenceOptions { Seed = seed };
        if (draws is not { } count)
        {
            return options;
        }
        if (mode is InferenceMode.Amortized or InferenceMode.Laplace)
        {
            throw new InvalidInputException($"--draws applies to --mode corrected or auto only ({InferenceReport.ModeNames[(int)mode]} mode does not correct by importance weights)");
        }
        options = options with { ProposalDraws = count };
        try
        {
            options.Validate();
        }
        catch (ArgumentException e)
        {
            throw new InvalidInputException($"--draws: {e.Message}");
        }
        return options;
    }

    /// <summary>The training-range warning, as before, and which path a checked mode took.</summary>
    internal static void WriteMessages(CommandIO io, BayesianProblem spec, InferenceOutcome outcome)
    {
        if (!outcome.InTrainingRange)
        {
            string consequence = outcome.Mode == InferenceMode.Amortized
                ? "the posterior may be inaccurate (--mode auto checks it)"
                : "see diagnostics.reason for how it was handled";
            io.Error.WriteLine($"warning: the problem (d = {spec.Dimension}, N = {spec.ObservationCount}) lies outside the model's training range " +
                $"({string.Join("; ", outcome.OutOfRangeReasons)}); {consequence}");
        }
        if (outcome.Mode != InferenceMode.Amortized)
        {
            io.Error.WriteLine($"infer: {outcome.Reason}");
        }
        else if (outcome.Flagged)
        {
            io.Error.WriteLine($"warning: the amortized answer is flagged; {outcome.Reason}");
        }
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
