using Afin.Inference;
using Afin.Persistence;
using Afin.References;

namespace Afin.Cli.Benchmarks.Real;

/// <summary>The five methods of <c>afin bench real</c> and how <c>--methods</c> and <c>--model</c> make them.</summary>
internal static class RealMethods
{
    /// <summary>The method kinds, in table order.</summary>
    internal static readonly IReadOnlyList<string> Kinds = ["amortized", "laplace", "corrected", "auto", "nuts"];

    /// <summary>The Laplace approximation with the library's defaults (also what <c>afin bench fit</c> scores).</summary>
    internal static IRealMethod Laplace { get; } = new LaplaceMethod();

    /// <summary>
    /// The methods to run: each AFIN kind once per model (named by the model's file name when models were given),
    /// Laplace and NUTS once.
    /// </summary>
    internal static IReadOnlyList<IRealMethod> Create(IReadOnlyList<string> kinds, IReadOnlyList<(string? File, AfinModel Model)> models, int threads, int seed)
    {
        var methods = new List<IRealMethod>();
        var nuts = new NutsOptions { Seed = seed, MaxParallelChains = threads };
        foreach (var kind in Kinds.Where(kinds.Contains))
        {
            switch (kind)
            {
                case "laplace":
                    methods.Add(Laplace);
                    break;
                case "nuts":
                    methods.Add(new NutsMethod(nuts));
                    break;
                default:
                    methods.AddRange(models.Select(m => new AfinMethod(Name(kind, m.File), kind, m.Model, new AutoInferenceOptions { Seed = seed, Nuts = nuts })));
                    break;
            }
        }
        return methods;
    }

    /// <summary>Parses <c>--methods</c>: a comma-separated subset of <see cref="Kinds"/>.</summary>
    /// <exception cref="InvalidInputException">A name is not a method.</exception>
    internal static IReadOnlyList<string> Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return Kinds;
        }
        var names = text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var unknown = names.Where(n => !Kinds.Contains(n)).ToArray();
        return unknown.Length == 0 && names.Length > 0
            ? names
            : throw new InvalidInputException($"--methods: unknown method(s) {string.Join(", ", unknown.Select(u => $"'{u}'"))}; expected a comma-separated subset of {string.Join(",", Kinds)}");
    }

    private static string Name(string kind, string? file) => file is null ? kind : kind == "amortized" ? file : $"{kind}:{file}";

    /// <summary>The AFIN posterior alone (<c>amortized</c>) or through <see cref="AfinInference"/> (<c>corrected</c>, <c>auto</c>).</summary>
    private sealed class AfinMethod(string name, string kind, AfinModel model, AutoInferenceOptions options) : IRealMethod
    {
        public string Name => name;

        public string Kind => kind;

        public MethodEstimate Run(SuiteProblem problem, CancellationToken cancellationToken)
        {
            if (kind == "amortized")
            {
                // Amortized mode: the network's posterior, with the quick check and the range verdict recorded in the path.
                var amortized = AfinInference.Run(model, problem.Problem, InferenceMode.Amortized, options, cancellationToken);
                string check = amortized.Check is { } c ? FormattableString.Invariant($"k-hat {c.ParetoK:F2}, estimated error {c.MeanError:F2} ({c.MeanErrorLowerBound:F2}..{c.MeanErrorUpperBound:F2})") : "no check";
                return new MethodEstimate(amortized.Mean, amortized.Covariance,
                    Path: $"Amortized {check}, {(amortized.InTrainingRange ? "in range" : "out of range")}",
                    Flagged: amortized.Flagged);
            }
            var mode = kind == "auto" ? InferenceMode.Auto : InferenceMode.Corrected;
            var outcome = AfinInference.Run(model, problem.Problem, mode, options, cancellationToken);
            return new MethodEstimate(outcome.Mean, outcome.Covariance, Path: PathOf(outcome));
        }
    }

    /// <summary>The method returned, with the proposal of an importance-sampling answer (e.g. <c>ImportanceSampling/mixture</c>).</summary>
    private static string PathOf(InferenceOutcome outcome) => outcome.Method == InferenceMethod.ImportanceSampling && outcome.Proposal is { } proposal
        ? $"{outcome.Method}/{Commands.InferenceReport.ProposalName(proposal)}"
        : outcome.Method.ToString();

    /// <summary>The Laplace approximation, through <see cref="LaplaceAdapter"/>.</summary>
    private sealed class LaplaceMethod : IRealMethod
    {
        public string Name => "laplace";

        public string Kind => "laplace";

        public MethodEstimate Run(SuiteProblem problem, CancellationToken cancellationToken)
        {
            var laplace = LaplaceAdapter.Compute(problem.Problem, cancellationToken);
            return new MethodEstimate(laplace.Mean, laplace.Covariance, laplace.Converged, laplace.Converged ? null : laplace.Message);
        }
    }

    /// <summary>NUTS as users run it: <c>afin nuts</c>'s defaults (4 chains x (1000 + 1000)).</summary>
    private sealed class NutsMethod(NutsOptions options) : IRealMethod
    {
        public string Name => "nuts";

        public string Kind => "nuts";

        public MethodEstimate Run(SuiteProblem problem, CancellationToken cancellationToken)
        {
            var result = NutsSampler.Sample(problem.Problem.LogDensity(), options, cancellationToken: cancellationToken);
            return new MethodEstimate(result.Mean.ToArray(), result.GetCovariance(), result.RHat.Max() < ReferenceSettings.MaxRHat);
        }
    }
}
