using Afin.Simulation.Training;
using Spectre.Console;

namespace Afin.Cli.Commands.Sbi;

/// <summary>Runs a simulation-based training with a Spectre progress bar (epochs, losses, patience) on standard error.</summary>
internal static class SbiTrainingProgressBar
{
    internal static T Run<T>(TextWriter error, string title, int maxEpochs, Func<IProgress<SimulationTrainingProgress>, T> train)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(error) });
        T result = default!;
        console.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
            .Start(context =>
            {
                var task = context.AddTask(Markup.Escape(title), maxValue: maxEpochs);
                result = train(new Reporter(p =>
                {
                    task.Value = p.Epoch;
                    task.Description = Markup.Escape($"{title} | epoch {p.Epoch} | train {p.TrainingLoss:F4} | val {p.ValidationLoss:F4} (best {p.BestValidationLoss:F4}, {p.EpochsWithoutImprovement} since)");
                }));
                task.Value = task.MaxValue;
            });
        return result;
    }

    /// <summary>Reports on the training thread (Progress&lt;T&gt; would post to the thread pool).</summary>
    private sealed class Reporter(Action<SimulationTrainingProgress> report) : IProgress<SimulationTrainingProgress>
    {
        public void Report(SimulationTrainingProgress value) => report(value);
    }
}
