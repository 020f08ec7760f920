using System.Security.Cryptography;
using System.Text;
using Afin.Modelling;
using Afin.Training;

namespace Afin.Tests.Training;

/// <summary>
/// The committed checkpoints resume by replaying the tasks of their steps, so the default distribution's tasks, and the
/// realistic preset's without the traits added since, must stay bit-for-bit what they were when those checkpoints were
/// written.
/// </summary>
[TestClass]
public sealed class TaskSamplerFingerprintTests
{
    // SHA-256 over the JSON and true latents (as raw bits) of 12 micro-batches of 4 tasks, seeds 0..11, taken before the
    // user-like task mix was added.
    private const string DefaultDistributionFingerprint = "74FC23C36E483803C640F33826A1C120042CB34F11A1E27AE1460F15543EC930";

    // The same over the realistic preset as the campaign's first cycle drew it (d <= 12, N <= 128, before strong-signal
    // tasks), taken at d9ad365: a campaign checkpoint of that cycle resumes with the tasks it was drawing.
    private const string FirstCampaignCycleFingerprint = "A8010916E49CD2AA6FB9D60085A6A9B6BF81C53F275418A5B05117262BF20EEF";

    [TestMethod]
    public void DefaultDistributionTasksAreUnchanged()
    {
        Assert.AreEqual(DefaultDistributionFingerprint, Fingerprint(new TaskDistribution()));
    }

    [TestMethod]
    public void RealisticTasksWithoutANewTraitAreUnchanged()
    {
        var firstCycle = TaskDistribution.Realistic with { MaxDimension = 12, MaxSites = 128 };
        firstCycle = firstCycle with { UserTasks = firstCycle.UserTasks! with { StrongSignalProbability = 0 } };
        Assert.AreEqual(FirstCampaignCycleFingerprint, Fingerprint(firstCycle));
    }

    internal static string Fingerprint(TaskDistribution distribution)
    {
        var text = new StringBuilder();
        for (int seed = 0; seed < 12; seed++)
        {
            foreach (var task in new TaskSampler(distribution, seed).SampleBatch(4))
            {
                text.Append(ProblemJson.Serialize(task.Problem)).Append('|');
                text.AppendJoin(',', task.TrueLatent.Select(BitConverter.DoubleToInt64Bits)).Append('\n');
            }
        }
        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }
}
