using System.CommandLine;
using Afin.Cli.Benchmarks.Real;
using Afin.Cli.Commands.Real;
using Afin.Cli.Plotting;
using Afin.Network;
using Afin.Training;
using Spectre.Console;

namespace Afin.Cli.Commands;

/// <summary>
/// <c>afin train [options] --out FILE</c>: trains an AFIN by simulation with a progress bar on
/// standard error, checkpointing to FILE.ckpt so that the same command resumes after a stop or Ctrl+C.
/// </summary>
internal static class TrainCommand
{
    internal static Command Create(CommandIO io)
    {
        var o = new TrainOptions();
        var command = new Command("train", "Train an AFIN on simulated tasks; rerunning the same command resumes from its checkpoint.");
        foreach (var option in o.All)
        {
            command.Options.Add(option);
        }
        command.Subcommands.Add(TasksPlotCommand.Create(io));
        command.SetAction((parse, cancellationToken) =>
        {
            var outFile = parse.GetValue(o.Out)!;
            string checkpoint = parse.GetValue(o.Checkpoint)?.FullName ?? outFile.FullName + ".ckpt";
            int steps = parse.GetValue(o.Steps);
            bool resume = File.Exists(checkpoint) && !parse.GetValue(o.Restart);
            if (parse.GetValue(o.WarmRestart) && !resume)
            {
                throw new InvalidInputException($"train: --warm-restart: no checkpoint to resume at {checkpoint}");
            }
            AfinTrainer trainer;
            try
            {
                trainer = resume
                    ? Resume(parse, o, checkpoint, steps)
                    : new AfinTrainer(o.Network(parse), o.Tasks(parse), o.Training(parse));
            }
            catch (ArgumentException e)
            {
                throw new InvalidInputException($"train: {e.Message}");
            }
            catch (InvalidDataException e)
            {
                throw new InvalidInputException($"train: cannot resume: {e.Message}");
            }
            using (trainer)
            {
                trainer.ReferenceProblems = SuiteValidation(parse.GetValue(o.SuiteReferences), io);
                io.Error.WriteLine(trainer.Step > 0
                    ? $"resuming from {checkpoint} at step {trainer.Step} of {trainer.Options.Steps}" +
                      (trainer.Options.CycleStart == trainer.Step ? $"; a new learning-rate cycle: warm-up to {trainer.Options.LearningRate:G3}, then cosine decay" +
                          $"; tasks d {trainer.Tasks.MinDimension}..{trainer.Tasks.MaxDimension}, N {trainer.Tasks.MinSites}..{trainer.Tasks.MaxSites}" : "")
                    : $"training {trainer.NetworkOptions.Architecture} {trainer.NetworkOptions.Family} AFIN, {trainer.Options.Steps} steps, d {trainer.Tasks.MinDimension}..{trainer.Tasks.MaxDimension}, N {trainer.Tasks.MinSites}..{trainer.Tasks.MaxSites}; checkpoint {checkpoint}");
                // --plot-loss: the reports are kept, and drawn after training or when the run is cancelled.
                var history = new TrainingHistory();
                string plotTitle = $"afin train: {outFile.Name}, {trainer.NetworkOptions.Architecture} {trainer.NetworkOptions.Family} AFIN";
                Persistence.AfinModel model;
                try
                {
                    model = RunWithProgressBar(io, trainer, checkpoint, history, cancellationToken);
                }
                catch (OperationCanceledException)
                {
                    LossCurvePlot.Write(parse.GetValue(o.PlotLoss), history, $"{plotTitle} (cancelled at step {trainer.Step})", io.Error);
                    throw;
                }
                outFile.Directory?.Create();
                model.Save(outFile.FullName);
                io.Error.WriteLine($"saved {outFile.FullName}: {model.ParameterCount:N0} parameters, {model.Training.Steps} steps, {model.Training.WallSeconds:F0} s" +
                    (model.Training.Validation is { } v ? $", validation median SME {v.MedianStandardisedMeanError:F3}, median KL/d {v.MedianKlPerDimension:F4}" : ""));
                LossCurvePlot.Write(parse.GetValue(o.PlotLoss), history, plotTitle, io.Error);
            }
            return Task.FromResult(ExitCodes.Success);
        });
        return command;
    }

    /// <summary>
    /// Resumes the checkpoint. A warm restart begins a new learning-rate cycle at its step, and, when the command names
    /// a task preset (<c>--tasks</c>), draws the new cycle's tasks from the distribution the command's task options
    /// describe; otherwise the checkpoint's own tasks go on.
    /// </summary>
    private static AfinTrainer Resume(ParseResult parse, TrainOptions o, string checkpoint, int steps)
    {
        if (!parse.GetValue(o.WarmRestart))
        {
            return AfinTrainer.Resume(checkpoint, steps);
        }
        var tasks = parse.GetResult(o.TaskKind) is { Implicit: false } ? o.Tasks(parse) : null;
        return AfinTrainer.Resume(checkpoint, steps, parse.GetValue(o.LearningRate), tasks);
    }

    private static Persistence.AfinModel RunWithProgressBar(CommandIO io, AfinTrainer trainer, string checkpoint, TrainingHistory history, CancellationToken cancellationToken)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(io.Error) });
        Persistence.AfinModel? model = null;
        console.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
            .Start(context =>
            {
                var task = context.AddTask("training", maxValue: trainer.Options.Steps);
                task.Value = trainer.Step;
                string validation = "";
                int skipped = 0, discarded = 0;
                var progress = new SynchronousProgress<TrainingProgress>(p =>
                {
                    history.Record(p);
                    task.Value = p.Step;
                    if (p.Validation is { } v)
                    {
                        validation = $" | val SME {v.MedianStandardisedMeanError:F3} KL/d {v.MedianKlPerDimension:F4}";
                        console.MarkupLineInterpolated($"step {p.Step}: loss {p.Loss:F3}, validation median SME {v.MedianStandardisedMeanError:F3}, median KL/d {v.MedianKlPerDimension:F4}");
                    }
                    if (p.ReferenceValidation is { } r)
                    {
                        console.MarkupLineInterpolated($"step {p.Step}: realistic suite ({r.Problems} problems): median max SME {r.MedianMaxStandardisedMeanError:F3}, median SME {r.MedianStandardisedMeanError:F3}, median KL/d {r.MedianKlPerDimension:F4}");
                    }
                    if (p.SkippedSteps > skipped)
                    {
                        skipped = p.SkippedSteps;
                        console.MarkupLineInterpolated($"step {p.Step}: {skipped} step(s) skipped so far because their numerics failed");
                    }
                    if (p.DiscardedTasks > discarded)
                    {
                        discarded = p.DiscardedTasks;
                        console.MarkupLineInterpolated($"step {p.Step}: {discarded} task(s) left out so far because their Laplace frame was broken (true latent over {AfinTrainer.MaxCanonicalDistance} Laplace sds from the mode)");
                    }
                    task.Description = Markup.Escape($"step {p.Step} | loss {p.Loss:F3} | {p.StepsPerSecond:F1} steps/s | lr {p.LearningRate:E1}{validation}");
                });
                model = trainer.Train(checkpoint, progress, cancellationToken);
            });
        return model!;
    }

    /// <summary>The realistic suite's reference problems to validate on, or null when asked not to or when no reference file is found.</summary>
    private static IReadOnlyList<ReferenceProblem>? SuiteValidation(string? option, CommandIO io)
    {
        if (option == "none")
        {
            return null;
        }
        string path = option ?? RealReferencesCommand.DefaultPath;
        if (!File.Exists(path))
        {
            if (option is not null)
            {
                throw new InvalidInputException($"--suite-references: file '{path}' does not exist");
            }
            return null;
        }
        var problems = SuiteReferenceProblems.Load(path);
        io.Error.WriteLine($"validating also on the realistic suite: {problems.Count} problems, references {path}");
        return problems;
    }

    /// <summary>IProgress that reports on the training thread (Progress&lt;T&gt; would post to the thread pool).</summary>
    private sealed class SynchronousProgress<T>(Action<T> report) : IProgress<T>
    {
        public void Report(T value) => report(value);
    }
}
