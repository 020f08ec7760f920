using Afin.Canonical;
using Afin.Fuzzing;
using Afin.Laplace;
using Afin.Modelling;
using Afin.Network;
using Afin.References;

namespace Afin.Tests.Modelling;

/// <summary>
/// Mutation fuzzing of the problem reader and of the posterior methods that need no network (issue 15): each of a
/// thousand mutated sample problems is either answered with finite numbers (the exact posterior where conjugate, the
/// Laplace approximation, and the features of the canonical twin the shipped network is given) or rejected with a
/// <see cref="ProblemValidationException"/> whose path names a field. Any other exception is an internal error.
/// </summary>
[TestClass]
public sealed class ProblemJsonFuzzTests
{
    private const int Cases = 1000;

    public TestContext TestContext { get; set; } = null!;

    [TestMethod]
    public void MutatedProblemsAreAnsweredOrRejectedWithAFieldPath()
    {
        var mutator = new ProblemMutator(FuzzSources.Load(Path.Combine(AppContext.BaseDirectory, "problems")));
        var failures = new List<string>();
        int answered = 0, rejected = 0;
        for (int seed = 0; seed < Cases; seed++)
        {
            var mutated = mutator.Mutate(seed);
            string? failure = Run(mutated, ref answered, ref rejected);
            if (failure is not null)
            {
                failures.Add($"{mutated}\n    {failure}");
            }
        }
        TestContext.WriteLine($"{Cases} mutated problems: {answered} answered, {rejected} rejected with a field path, {failures.Count} internal errors");
        Assert.IsEmpty(failures, string.Join("\n", failures.Take(25)));
    }

    /// <summary>Parses and solves one document; returns what went wrong, or null when it was answered or cleanly rejected.</summary>
    private static string? Run(MutatedProblem mutated, ref int answered, ref int rejected)
    {
        try
        {
            var problem = ProblemJson.Parse(mutated.Json);
            if (problem.IsConjugate)
            {
                var exact = ExactPosterior.Compute(problem);
                if (NonFinite("exact", exact.Mean, exact.Covariance) is { } bad)
                {
                    return bad;
                }
            }
            var laplace = LaplaceApproximation.Compute(problem);
            if (NonFinite("laplace", laplace.Mode, laplace.Covariance) is { } wrong)
            {
                return wrong;
            }
            // What the shipped network is given: the twin in whitened Laplace coordinates, featurised.
            var twin = CanonicalFrame.Create(problem, LatentCoordinates.Full).Problem;
            if (NonFiniteFeature(twin) is { } feature)
            {
                return feature;
            }
            answered++;
            return null;
        }
        catch (ProblemValidationException e) when (FieldPath.IsValid(e.Path))
        {
            rejected++;
            return null;
        }
        catch (Exception e)
        {
            return $"{e.GetType().Name}: {e.Message}";
        }
    }

    /// <summary>The first site (or the prior) of the twin with a feature that is not finite, or null.</summary>
    private static string? NonFiniteFeature(BayesianProblem twin)
    {
        int d = twin.Dimension;
        // Wider than any family's features; the entries a family does not write stay 0.
        var node = new float[d * 16];
        var pair = new float[d * d * 16];
        FactorFeatures.Prior(twin.Prior, d, node, pair);
        if (!node.All(float.IsFinite) || !pair.All(float.IsFinite))
        {
            return "a feature of the twin's prior is not finite";
        }
        for (int b = 0; b < twin.Blocks.Count; b++)
        {
            for (int n = 0; n < twin.Blocks[b].Count; n++)
            {
                FactorFeatures.Site(twin.Blocks[b], n, d, node, pair, AfinNetworkOptions.LatestFeatureVersion);
                if (!node.All(float.IsFinite) || !pair.All(float.IsFinite))
                {
                    return $"a feature of the twin's site {n} of block {b} is not finite";
                }
            }
        }
        return null;
    }

    private static string? NonFinite(string method, double[] mean, double[,] covariance)
    {
        for (int i = 0; i < mean.Length; i++)
        {
            if (!double.IsFinite(mean[i]))
            {
                return $"{method}: mean[{i}] = {mean[i]}";
            }
        }
        foreach (double value in covariance)
        {
            if (!double.IsFinite(value))
            {
                return $"{method}: a covariance entry is {value}";
            }
        }
        return null;
    }
}
