using System.Security.Cryptography;
using System.Text;
using Afin.Modelling;

namespace Afin.Cli.Benchmarks.Real;

/// <summary>
/// The fingerprint a reference is stored with: the SHA-256 of the problem's canonical JSON
/// (<see cref="ProblemJson.Serialize"/>), so any change to the generator or the description shows as a new hash.
/// </summary>
internal static class ProblemHash
{
    /// <summary>The lower-case hex SHA-256 of <paramref name="problem"/>'s JSON text.</summary>
    internal static string Of(BayesianProblem problem) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(ProblemJson.Serialize(problem))));
}
