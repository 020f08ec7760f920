using System.CommandLine;
using System.Diagnostics;
using Afin.Posteriors;
using Afin.References;

namespace Afin.Cli.Commands;

/// <summary><c>afin exact --problem FILE [--output FILE]</c>: the closed-form posterior of a conjugate problem.</summary>
internal static class ExactCommand
{
    internal static Command Create(CommandIO io)
    {
        var problem = CommonOptions.Problem();
        var output = CommonOptions.Output();
        var command = new Command("exact", "Exact posterior of a conjugate problem (Gaussian prior, linear or direct Gaussian observations).") { problem, output };
        command.SetAction(parse =>
        {
            var spec = CommandIO.ReadProblem(parse.GetValue(problem));
            if (!spec.IsConjugate)
            {
                throw new InvalidInputException("exact: the problem is not conjugate (it needs a gaussian or full_rank_gaussian prior and only linear_gaussian or direct_gaussian observations); use 'afin nuts'");
            }
            var clock = Stopwatch.StartNew();
            var exact = ExactPosterior.Compute(spec);
            double elapsed = clock.Elapsed.TotalMilliseconds;
            var report = new PosteriorReport("exact", exact.Mean, exact.Covariance, elapsed,
                new Dictionary<string, object> { ["log_marginal_likelihood"] = exact.LogMarginalLikelihood });
            io.WriteResult(PosteriorJson.Serialize(report), parse.GetValue(output));
            return ExitCodes.Success;
        });
        return command;
    }
}
