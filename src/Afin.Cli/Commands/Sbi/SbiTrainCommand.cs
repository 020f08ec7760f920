using System.CommandLine;
using Afin.Simulation;
using Afin.Simulation.Estimators;
using Afin.Simulation.Training;

namespace Afin.Cli.Commands.Sbi;

/// <summary>
/// <c>afin sbi train --method nbe|npe|nre --out FILE</c>: trains an estimator for a built-in simulator, on stored sets or
/// on sets simulated with the seed; checkpoints to FILE.ckpt after each epoch so the same command resumes.
/// </summary>
internal static class SbiTrainCommand
{
    private static readonly SimulationTrainingOptions Defaults = new();

    internal static Command Create(CommandIO io)
    {
        var method = new Option<string>("--method") { Description = "nbe (neural Bayes estimator), npe (neural posterior estimation) or nre (neural ratio estimation).", Required = true };
        method.AcceptOnlyFromAmong(SbiMethod.Names);
        var simulator = SbiOptions.Simulator();
        var trainingSet = new Option<FileInfo?>("--training-set") { Description = "A stored simulation set (afin sbi simulate) to train on; default: simulate with the seed." };
        var validationSet = new Option<FileInfo?>("--validation-set") { Description = "A stored validation set; required with --training-set." };
        var output = new Option<FileInfo>("--out") { Description = "Where to write the trained estimator.", Required = true };
        var restart = new Option<bool>("--restart") { Description = "Ignore an existing checkpoint (OUT.ckpt) and start afresh." };
        var density = new Option<PosteriorDensityKind>("--density") { Description = "For npe: SplineFlow or GaussianMixture.", DefaultValueFactory = _ => PosteriorDensityKind.SplineFlow };
        var epochs = new Option<int>("--epochs") { Description = "Maximum epochs.", DefaultValueFactory = _ => Defaults.Epochs };
        var patience = new Option<int>("--patience") { Description = "Early stopping: epochs without a better validation loss.", DefaultValueFactory = _ => Defaults.Patience };
        var batch = new Option<int>("--batch-size") { Description = "Simulations per step.", DefaultValueFactory = _ => Defaults.BatchSize };
        var rate = new Option<double>("--lr") { Description = "Adam learning rate.", DefaultValueFactory = _ => Defaults.LearningRate };
        var trainingCount = new Option<int>("--training-simulations") { Description = "Training simulations (without --training-set).", DefaultValueFactory = _ => Defaults.TrainingSimulations };
        var validationCount = new Option<int>("--validation-simulations") { Description = "Validation simulations (without --validation-set).", DefaultValueFactory = _ => Defaults.ValidationSimulations };
        var seed = CommonOptions.Seed();
        var command = new Command("train", "Train a simulation-based estimator; rerunning the same command resumes from its checkpoint.")
        {
            method, simulator, trainingSet, validationSet, output, restart, density, epochs, patience, batch, rate, trainingCount, validationCount, seed,
        };
        command.SetAction((parse, cancellation) =>
        {
            var file = parse.GetValue(output)!;
            string checkpoint = file.FullName + ".ckpt";
            if (parse.GetValue(restart))
            {
                File.Delete(checkpoint);
            }
            var options = new SimulationTrainingOptions
            {
                Epochs = parse.GetValue(epochs), Patience = parse.GetValue(patience), BatchSize = parse.GetValue(batch), LearningRate = parse.GetValue(rate),
                TrainingSimulations = parse.GetValue(trainingCount), ValidationSimulations = parse.GetValue(validationCount), Seed = parse.GetValue(seed),
                CheckpointPath = checkpoint,
            };
            try
            {
                options.Validate();
            }
            catch (ArgumentException e)
            {
                throw new InvalidInputException($"sbi train: {e.Message}");
            }
            var (prior, sim) = BuiltInSimulators.Create(parse.GetValue(simulator)!);
            var (training, validation) = Sets(parse.GetValue(trainingSet), parse.GetValue(validationSet), prior, sim, options, cancellation);
            if (training.Shape != sim.Shape)
            {
                throw new InvalidInputException($"--training-set holds {training.Shape} data sets; --simulator {parse.GetValue(simulator)} produces {sim.Shape}");
            }
            string name = parse.GetValue(method)!;
            if (File.Exists(checkpoint))
            {
                io.Error.WriteLine($"resuming from {checkpoint} (--restart starts afresh)");
            }
            file.Directory?.Create();
            io.Error.WriteLine($"training {SbiMethod.Describe(name, parse.GetValue(density))} on {training.Count} simulations of {training.Shape} (validation {validation.Count}); checkpoint {checkpoint}");
            using var estimator = SbiProgressBars.Training(io.Error, name, options.Epochs,
                progress => SbiMethod.Train(name, prior, training, validation, options, parse.GetValue(density), progress, cancellation));
            estimator.Save(file.FullName);
            // The run is complete: a checkpoint left behind would make the next run of this command a no-op resume.
            File.Delete(checkpoint);
            var t = estimator.Training;
            io.Error.WriteLine($"saved {file.FullName}: {t.Epochs} epochs ({(t.StoppedEarly ? "stopped early" : "epoch limit")}), best epoch {t.BestEpoch}, validation loss {t.BestValidationLoss:F4}, {t.WallSeconds:F0} s");
            return Task.FromResult(ExitCodes.Success);
        });
        return command;
    }

    private static (SimulationSet Training, SimulationSet Validation) Sets(FileInfo? training, FileInfo? validation, IParameterPrior prior, ISimulator simulator,
        SimulationTrainingOptions options, CancellationToken cancellation)
    {
        if ((training is null) != (validation is null))
        {
            throw new InvalidInputException("--training-set and --validation-set go together; give both or neither");
        }
        if (training is not null)
        {
            return (Load(training, "--training-set"), Load(validation!, "--validation-set"));
        }
        // Validation uses a seed far from the training seed so the two sets never share a stream.
        return (SimulationSet.Simulate(prior, simulator, options.TrainingSimulations, options.Seed, cancellation),
            SimulationSet.Simulate(prior, simulator, options.ValidationSimulations, options.Seed + 1_000_003, cancellation));
    }

    private static SimulationSet Load(FileInfo file, string option)
    {
        try
        {
            return SimulationSet.Load(file.FullName);
        }
        catch (Exception e) when (e is FileNotFoundException or InvalidDataException)
        {
            throw new InvalidInputException($"{option}: {e.Message}");
        }
    }
}
