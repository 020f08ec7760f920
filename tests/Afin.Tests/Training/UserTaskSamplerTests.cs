using Afin.Canonical;
using Afin.Modelling;
using Afin.References;
using Afin.Training;

namespace Afin.Tests.Training;

[TestClass]
public sealed class UserTaskSamplerTests
{
    private static readonly TaskDistribution AllUserLike = TaskDistribution.Realistic with { UserTasks = new UserTaskMix { Probability = 1 } };

    [TestMethod]
    public void PresetTasksValidateAndHaveALaplaceFrame()
    {
        var sampler = new TaskSampler(TaskDistribution.Realistic, 11);
        for (int b = 0; b < 40; b++)
        {
            var batch = sampler.SampleBatch(2);
            int d = batch[0].Problem.Dimension;
            Assert.IsTrue(d is >= 1 and <= 32 && batch[0].Problem.ObservationCount <= 512);
            foreach (var task in batch)
            {
                Assert.AreEqual(d, task.Problem.Dimension, "a micro-batch shares d");
                Assert.IsTrue(task.TrueLatent.All(double.IsFinite));
                // Round trip through JSON: the problem validates as a user's would.
                var parsed = ProblemJson.Parse(ProblemJson.Serialize(task.Problem));
                var frame = CanonicalFrame.Create(parsed, LatentCoordinates.Full);
                Assert.AreEqual(d, frame.Problem.Dimension);
            }
        }
    }

    [TestMethod]
    public void SameSeedGivesTheSameTasksAndAnotherSeedOthers()
    {
        string a = TaskSamplerFingerprintTests.Fingerprint(TaskDistribution.Realistic);
        Assert.AreEqual(a, TaskSamplerFingerprintTests.Fingerprint(TaskDistribution.Realistic));
        Assert.AreNotEqual(a, TaskSamplerFingerprintTests.Fingerprint(TaskDistribution.Realistic with { UserTasks = new UserTaskMix { Probability = 0.5 } }));
    }

    [TestMethod]
    public void TraitsAppearAtTheirConfiguredRates()
    {
        var sampler = new TaskSampler(AllUserLike with { LikelihoodFamilies = ["bernoulli_logit"] }, 2);
        var tasks = Enumerable.Range(0, 600).Select(_ => sampler.SampleTask(6, 60)).ToArray();
        Assert.IsTrue(tasks.All(t => t.Traits is not null));
        double intercepts = tasks.Count(t => t.Traits!.Columns[0] == DesignColumnKind.Intercept) / (double)tasks.Length;
        Assert.AreEqual(0.9, intercepts, 0.05);
        foreach (var task in tasks)
        {
            CheckColumns(task);
        }
        var imbalanced = tasks.Where(t => t.Traits!.TargetRareRate is not null).ToArray();
        Assert.AreEqual(0.35, imbalanced.Length / (double)tasks.Length, 0.06);
        var rareRates = imbalanced.Select(RareRate).Order().ToArray();
        Assert.IsTrue(rareRates[rareRates.Length / 2] <= 0.1, $"median rare-label rate {rareRates[rareRates.Length / 2]}");
        Assert.IsTrue(rareRates.Count(r => r <= 0.05) >= rareRates.Length / 4, "rates down to 2-5% are reached");
        var separated = tasks.Where(t => t.Traits!.Separated).ToArray();
        Assert.IsTrue(separated.Length >= 0.1 * tasks.Length, $"{separated.Length} separated tasks of {tasks.Length} (15% asked)");
        foreach (var task in separated)
        {
            var block = (BernoulliLogitBlock)task.Problem.Blocks[0];
            int last = task.Problem.Dimension - 1;
            var flagged = Enumerable.Range(0, block.Count).Where(r => block.Row(r)[last] == 1).ToArray();
            Assert.IsTrue(flagged.Length > 0 && flagged.All(r => block.Y[r] == 1), "every row with the rare indicator set is a positive");
        }
    }

    [TestMethod]
    public void ShrinkageAndRobustTasksHaveHeavyTails()
    {
        var sampler = new TaskSampler(AllUserLike with { PriorFamilies = ["student_t"], LikelihoodFamilies = ["linear_student_t"] }, 4);
        var tasks = Enumerable.Range(0, 300).Select(_ => sampler.SampleTask(5, 40)).ToArray();
        var shrunk = tasks.Where(t => t.Traits!.Shrinkage).ToArray();
        Assert.AreEqual(0.3, shrunk.Length / (double)tasks.Length, 0.08);
        Assert.IsTrue(shrunk.All(t => ((StudentTPrior)t.Problem.Prior).Df.Skip(1).All(df => df is >= 2 and <= 4)));
        Assert.IsTrue(tasks.All(t => ((LinearStudentTBlock)t.Problem.Blocks[0]).Df[0] is >= 2 and <= 6));
    }

    [TestMethod]
    public void ConjugateUserTasksAreCalibratedAgainstTheExactPosterior()
    {
        // The true latent comes from the stated prior (scaled to the design), so the exact posterior's standardised
        // error is N(0, 1) over tasks: the forward-KL target is the stated posterior.
        var distribution = AllUserLike with
        {
            MinDimension = 1, MaxDimension = 5, MinSites = 1, MaxSites = 20,
            PriorFamilies = ["gaussian", "full_rank_gaussian"], LikelihoodFamilies = ["linear_gaussian", "direct_gaussian"],
        };
        var sampler = new TaskSampler(distribution, 3);
        var errors = new List<double>();
        while (errors.Count < 3000)
        {
            var task = sampler.SampleBatch(1)[0];
            var exact = ExactPosterior.Compute(task.Problem);
            errors.AddRange(task.TrueLatent.Select((z, i) => (z - exact.Mean[i]) / exact.StdDev[i]));
        }
        double mean = errors.Average();
        double variance = errors.Select(e => (e - mean) * (e - mean)).Sum() / (errors.Count - 1);
        Assert.AreEqual(0, mean, 0.08);
        Assert.AreEqual(1, variance, 0.12);
    }

    [TestMethod]
    public void StrongSignalTasksPullACoefficientFarFromTheSpikeAndKeepTheirStatedPosterior()
    {
        var mix = new UserTaskMix { Probability = 1, InterceptProbability = 0, ShrinkageProbability = 1, StrongSignalProbability = 1 };
        var distribution = AllUserLike with { PriorFamilies = ["student_t"], LikelihoodFamilies = ["linear_gaussian"], UserTasks = mix };
        var sampler = new TaskSampler(distribution, 5);
        var strong = new List<SimulatedTask>();
        for (int i = 0; i < 300; i++)
        {
            var task = sampler.SampleTask(1, 3);
            if (task.Traits!.StrongSignal)
            {
                strong.Add(task);
            }
        }
        Assert.IsGreaterThan(120, strong.Count, "most tasks asked for a strong signal find one");
        var pit = new List<double>();
        foreach (var task in strong)
        {
            var prior = (StudentTPrior)task.Problem.Prior;
            double mode = Afin.Laplace.LaplaceApproximation.Compute(task.Problem).Mode[0];
            Assert.IsGreaterThanOrEqualTo(3.9, Math.Abs(mode - prior.Loc[0]) / prior.Scale[0], "the mode lies 4 prior scales out");
            pit.Add(PosteriorCdf(task.Problem, task.TrueLatent[0]));
        }
        // Accepting on y alone leaves z0 | y distributed as the stated posterior: its CDF at the truth is uniform.
        double mean = pit.Average();
        double variance = pit.Select(u => (u - mean) * (u - mean)).Sum() / (pit.Count - 1);
        Assert.AreEqual(0.5, mean, 0.06);
        Assert.AreEqual(1.0 / 12, variance, 0.02);
    }

    /// <summary>The posterior CDF of a d = 1 problem at <paramref name="z"/>, by the midpoint rule over the prior's and the data's range.</summary>
    private static double PosteriorCdf(BayesianProblem problem, double z)
    {
        var laplace = Afin.Laplace.LaplaceApproximation.Compute(problem);
        var prior = (StudentTPrior)problem.Prior;
        double width = Math.Max(laplace.StdDev[0], prior.Scale[0]);
        double lo = Math.Min(laplace.Mode[0], prior.Loc[0]) - 40 * width, hi = Math.Max(laplace.Mode[0], prior.Loc[0]) + 40 * width;
        var density = problem.LogDensity();
        const int points = 10001;
        var logP = Enumerable.Range(0, points).Select(i => density.Evaluate([lo + (hi - lo) * (i + 0.5) / points])).ToArray();
        double max = logP.Max();
        double total = 0, below = 0;
        for (int i = 0; i < points; i++)
        {
            double w = Math.Exp(logP[i] - max);
            total += w;
            below += lo + (hi - lo) * (i + 0.5) / points <= z ? w : 0;
        }
        return below / total;
    }

    [TestMethod]
    public void InvalidMixIsRejectedByName()
    {
        var e = Assert.ThrowsExactly<ArgumentException>(() => new TaskSampler(TaskDistribution.Realistic with { UserTasks = new UserTaskMix { SeparationProbability = 1.5 } }, 0));
        StringAssert.Contains(e.Message, "SeparationProbability");
        e = Assert.ThrowsExactly<ArgumentException>(() => new TaskSampler(TaskDistribution.Realistic with { UserTasks = new UserTaskMix { ColumnKindWeights = [1, 0] } }, 0));
        StringAssert.Contains(e.Message, "ColumnKindWeights");
        e = Assert.ThrowsExactly<ArgumentException>(() => new TaskSampler(TaskDistribution.Realistic with { UserTasks = new UserTaskMix { StrongSignalProbability = -0.1 } }, 0));
        StringAssert.Contains(e.Message, "StrongSignalProbability");
    }

    /// <summary>Intercepts are ones, indicators and dummies 0/1, counts non-negative integers.</summary>
    private static void CheckColumns(SimulatedTask task)
    {
        var block = (LinearBlock)task.Problem.Blocks[0];
        var kinds = task.Traits!.Columns;
        for (int r = 0; r < block.Count; r++)
        {
            var row = block.Row(r);
            for (int j = 0; j < kinds.Count; j++)
            {
                double v = row[j];
                bool ok = kinds[j] switch
                {
                    DesignColumnKind.Intercept => v == 1,
                    DesignColumnKind.Binary or DesignColumnKind.OneHot => v is 0 or 1,
                    DesignColumnKind.Count => v >= 0 && v == Math.Floor(v),
                    _ => double.IsFinite(v),
                };
                Assert.IsTrue(ok, $"column {j} ({kinds[j]}) holds {v}");
            }
        }
    }

    private static double RareRate(SimulatedTask task)
    {
        var y = ((BernoulliLogitBlock)task.Problem.Blocks[0]).Y;
        double rate = y.Average();
        return Math.Min(rate, 1 - rate);
    }
}
