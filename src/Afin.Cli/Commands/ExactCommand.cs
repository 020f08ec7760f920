using System.CommandLine;
using System.Diagnostics;
using Afin.Modelling;
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
                throw new InvalidInputException($"exact: the problem is not conjugate: {NonConjugateField(spec)} " +
                    "(it needs a gaussian or full_rank_gaussian prior and only linear_gaussian or direct_gaussian observations); use 'afin nuts' or 'afin laplace'");
            }
            var clock = Stopwatch.StartNew();
            var exact = ExactPosterior.Compute(spec);
            double elapsed = clock.Elapsed.TotalMilliseconds;
            var report = new PosteriorReport("exact", exact.Mean, exact.Covariance, elapsed,
                // JSON has no infinities: an evidence that overflowed (the posterior itself did not) is written as null, as laplace does.
                new Dictionary<string, object> { ["log_marginal_likelihood"] = double.IsFinite(exact.LogMarginalLikelihood) ? exact.LogMarginalLikelihood : null! });
            io.WriteResult(PosteriorJson.Serialize(report), parse.GetValue(output));
            return ExitCodes.Success;
        });
        return command;
    }

    /// <summary>The first field that makes the problem non-conjugate, e.g. <c>observations[1].family is 'bernoulli_logit'</c>.</summary>
    private static string NonConjugateField(BayesianProblem problem)
    {
        if (problem.Prior is not (GaussianPrior or FullRankGaussianPrior))
        {
            return $"prior.family is '{problem.Prior.Family}'";
        }
        int index = problem.Blocks.ToList().FindIndex(b => b is not (LinearGaussianBlock or DirectGaussianBlock));
        return $"observations[{index}].family is '{problem.Blocks[index].Family}'";
    }
}
