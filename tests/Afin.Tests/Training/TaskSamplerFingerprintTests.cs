using System.Security.Cryptography;
using System.Text;
using Afin.Modelling;
using Afin.Training;

namespace Afin.Tests.Training;

/// <summary>
/// The committed checkpoints resume by replaying the tasks of their steps, so the default distribution's tasks must stay
/// bit-for-bit what they were when those checkpoints were written.
/// </summary>
[TestClass]
public sealed class TaskSamplerFingerprintTests
{
    // SHA-256 over the JSON and true latents (as raw bits) of 12 micro-batches of 4 tasks, seeds 0..11, taken before the
    // user-like task mix was added.
    private const string DefaultDistributionFingerprint = "74FC23C36E483803C640F33826A1C120042CB34F11A1E27AE1460F15543EC930";

    [TestMethod]
    public void DefaultDistributionTasksAreUnchanged()
    {
        Assert.AreEqual(DefaultDistributionFingerprint, Fingerprint(new TaskDistribution()));
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
