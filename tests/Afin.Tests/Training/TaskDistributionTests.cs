using System.Globalization;
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
        StringAssert.EndsWith(text, "DesignKindProbabilities = [0.7, 0.1, 0.1, 0.1] }");
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
}
