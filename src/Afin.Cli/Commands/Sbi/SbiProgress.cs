using Spectre.Console;

namespace Afin.Cli.Commands.Sbi;

/// <summary>A Spectre progress bar on standard error for long counted work (MCMC iterations).</summary>
internal static class SbiProgress
{
    internal static T WithBar<T>(TextWriter error, string title, int total, Func<IProgress<int>, T> work)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(error) });
        T result = default!;
        console.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
            .Start(context =>
            {
                var task = context.AddTask(Markup.Escape(title), maxValue: total);
                result = work(new Reporter(done => task.Value = done));
            });
        return result;
    }

    /// <summary>Reports on the working thread (Progress&lt;T&gt; would post to the thread pool).</summary>
    private sealed class Reporter(Action<int> report) : IProgress<int>
    {
        public void Report(int value) => report(value);
    }
}
