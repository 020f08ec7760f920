using Afin.Simulation.Training;
using Spectre.Console;

namespace Afin.Cli.Commands.Sbi;

/// <summary>Spectre progress bars on standard error for the long work of the sbi and review commands.</summary>
internal static class SbiProgressBars
{
    /// <summary>Runs a simulation-based training with a bar of epochs and the losses and patience in its label.</summary>
    internal static T Training<T>(TextWriter error, string title, int maxEpochs, Func<IProgress<SimulationTrainingProgress>, T> train)
    {
        var console = Console(error);
        T result = default!;
        console.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
            .Start(context =>
            {
                var task = context.AddTask(Markup.Escape(title), maxValue: maxEpochs);
                result = train(new Reporter<SimulationTrainingProgress>(p =>
                {
                    task.Value = p.Epoch;
                    task.Description = Markup.Escape($"{title} | epoch {p.Epoch} | train {p.TrainingLoss:F4} | val {p.ValidationLoss:F4} (best {p.BestValidationLoss:F4}, {p.EpochsWithoutImprovement} since)");
                }));
                task.Value = task.MaxValue;
            });
        return result;
    }

    /// <summary>Runs counted work (MCMC iterations) with a bar and the remaining time.</summary>
    internal static T Counted<T>(TextWriter error, string title, int total, Func<IProgress<int>, T> work)
    {
        T result = default!;
        Console(error).Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
            .Start(context =>
            {
                var task = context.AddTask(Markup.Escape(title), maxValue: total);
                result = work(new Reporter<int>(done => task.Value = done));
            });
        return result;
    }

    private static IAnsiConsole Console(TextWriter error) => AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(error) });

    /// <summary>Reports on the working thread (Progress&lt;T&gt; would post to the thread pool).</summary>
    private sealed class Reporter<TValue>(Action<TValue> report) : IProgress<TValue>
    {
        public void Report(TValue value) => report(value);
    }
}
