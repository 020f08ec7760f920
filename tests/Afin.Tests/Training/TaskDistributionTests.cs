using System.Globalization;
using System.Text.Json;
using Afin.Canonical;
using Afin.Modelling;
using Afin.Persistence;
using Afin.Training;

namespace Afin.Tests.Training;

[TestClass]
public sealed class TaskDistributionTests
{
    [TestMethod]
    public void ToStringPrintsListsAsTheirElements()
    {
        var tasks = new TaskDistribution
        {
            MinDimension = 2, MaxDimension = 4, PriorFamilies = ["gaussian", "laplace"], LikelihoodFamilies = ["bernoulli_logit"],
            HeterogeneousProbability = 0.25,
        };
        string text = tasks.ToString();
        StringAssert.StartsWith(text, "TaskDistribution { MinDimension = 2, MaxDimension = 4, MinSites = 1, MaxSites = 64, ");
        StringAssert.Contains(text, "PriorFamilies = [gaussian, laplace], LikelihoodFamilies = [bernoulli_logit], ");
        StringAssert.Contains(text, "HeterogeneousProbability = 0.25, ");
        StringAssert.EndsWith(text, "DesignKindProbabilities = [0.7, 0.1, 0.1, 0.1], UserTasks = null }");
        Assert.DoesNotContain("System.", text);
    }

    [TestMethod]
    public void ToStringNamesEveryPropertyWhateverTheCulture()
    {
        var previous = CultureInfo.CurrentCulture;
        CultureInfo.CurrentCulture = CultureInfo.GetCultureInfo("de-DE");
        try
        {
            string text = new TaskDistribution().ToString();
            foreach (var property in typeof(TaskDistribution).GetProperties().Where(p => p.GetMethod is { IsStatic: false }))
            {
                StringAssert.Contains(text, property.Name + " = ", "a new property must be added to PrintMembers");
            }
            StringAssert.Contains(text, "HeterogeneousProbability = 0.5,");
        }
        finally
        {
            CultureInfo.CurrentCulture = previous;
        }
    }

    [TestMethod]
    public void AModelHeaderWrittenBeforeUserTasksReadsAsTheOldDistribution()
    {
        // The Tasks object of a model header as written before UserTasks existed.
        const string old = """
            {
              "MinDimension": 1, "MaxDimension": 8, "MinSites": 1, "MaxSites": 64,
              "PriorFamilies": ["gaussian", "full_rank_gaussian", "student_t", "laplace"],
              "LikelihoodFamilies": ["linear_gaussian", "direct_gaussian", "linear_student_t", "bernoulli_logit", "binomial_logit"],
              "HeterogeneousProbability": 0.5, "HardCaseProbability": 0.6, "MaxConditionNumber": 40,
              "DesignKindProbabilities": [0.7, 0.1, 0.1, 0.1]
            }
            """;
        var tasks = JsonSerializer.Deserialize<TaskDistribution>(old, AfinModel.HeaderJson)!;
        Assert.IsNull(tasks.UserTasks);
        Assert.AreEqual(new TaskDistribution().ToString(), tasks.ToString());
        Assert.AreEqual(TaskSamplerFingerprintTests.Fingerprint(new TaskDistribution()), TaskSamplerFingerprintTests.Fingerprint(tasks));
    }

    [TestMethod]
    public void TheShippedModelWasTrainedOnTheCampaignsDistribution()
    {
        // The realistic preset limited to d <= 12 and N <= 128, every family of feature version 3 (docs/models.md, "The training
        // campaign"), as it was before strong-signal tasks: the campaign's first cycle drew none.
        var model = AfinModel.LoadDefault();
        var campaign = TaskDistribution.Realistic with { MaxDimension = 12, MaxSites = 128, LikelihoodFamilies = TaskDistribution.AllLikelihoodFamilies };
        campaign = campaign with { UserTasks = campaign.UserTasks! with { StrongSignalProbability = 0 } };
        Assert.AreEqual(campaign.ToString(), model.Tasks.ToString());
    }

    [TestMethod]
    public void TheRealisticPresetRoundTripsThroughTheHeaderJson()
    {
        var preset = TaskDistribution.Realistic;
        string json = JsonSerializer.Serialize(preset, AfinModel.HeaderJson);
        StringAssert.Contains(json, "\"SeparationProbability\"");
        var read = JsonSerializer.Deserialize<TaskDistribution>(json, AfinModel.HeaderJson)!;
        Assert.AreEqual(preset.ToString(), read.ToString());
        Assert.AreEqual(TaskSamplerFingerprintTests.Fingerprint(preset), TaskSamplerFingerprintTests.Fingerprint(read));
    }

    [TestMethod]
    public void TheRealisticRangeCoversHeavierTailsAndMoreTrials()
    {
        var problem = BayesianProblem.Create(new StudentTPrior([0.0, 0], [1.0, 0.1], [7.0, 1.2]),
            [new BinomialLogitBlock(new double[,] { { 1, 0.5 }, { 1, -1 } }, [3.0, 12], [40.0, 40])], 2);
        Assert.IsTrue(new TrainingRange(TaskDistribution.Realistic, LatentCoordinates.Full).Covers(problem));
        var reasons = new TrainingRange(new TaskDistribution { MaxDimension = 32, MaxSites = 512 }, LatentCoordinates.Full).Check(problem);
        Assert.HasCount(2, reasons, string.Join("; ", reasons));
        StringAssert.Contains(reasons[0], "prior.df");
        StringAssert.Contains(reasons[1], "total_count");
    }
}
