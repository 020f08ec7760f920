namespace Afin.Cli.Benchmarks.Real;

/// <summary>
/// The references of the realistic suite (benchmarks/real/references.json): one posterior summary per problem, with the
/// hash of the problem it was computed for and the evidence that it is right.
/// </summary>
internal sealed record ReferenceSet
{
    /// <summary>The format version.</summary>
    public int Version { get; init; } = 1;

    /// <summary>The references, in the suite's order.</summary>
    public List<ProblemReference> Problems { get; init; } = [];
}

/// <summary>One problem's reference posterior: mean and covariance, how it was obtained and checked.</summary>
internal sealed record ProblemReference
{
    /// <summary>The problem's name in the suite.</summary>
    public required string Name { get; init; }

    /// <summary>The SHA-256 of the problem's canonical JSON when the reference was computed (see <see cref="ProblemHash"/>).</summary>
    public required string Hash { get; init; }

    /// <summary>The dimension d.</summary>
    public required int D { get; init; }

    /// <summary>The number of observations N.</summary>
    public required int N { get; init; }

    /// <summary><c>exact</c> (conjugate, closed form) or <c>nuts</c> (a long NUTS run).</summary>
    public required string Method { get; init; }

    /// <summary>The posterior mean, length d.</summary>
    public required double[] Mean { get; init; }

    /// <summary>The posterior covariance, d rows of d.</summary>
    public required double[][] Covariance { get; init; }

    /// <summary>The NUTS run's diagnostics; null for exact references.</summary>
    public NutsCheck? Nuts { get; init; }

    /// <summary>The importance-sampling cross-check; null for exact references.</summary>
    public ImportanceCheck? ImportanceSampling { get; init; }

    /// <summary>Wall time of computing this reference, in seconds.</summary>
    public double Seconds { get; init; }

    /// <summary>The posterior standard deviations, from the covariance's diagonal.</summary>
    internal double[] StdDev() => Covariance.Select((row, i) => Math.Sqrt(row[i])).ToArray();

    /// <summary>The covariance as a matrix.</summary>
    internal double[,] CovarianceMatrix()
    {
        var matrix = new double[D, D];
        for (int i = 0; i < D; i++)
        {
            for (int j = 0; j < D; j++)
            {
                matrix[i, j] = Covariance[i][j];
            }
        }
        return matrix;
    }
}

/// <summary>The diagnostics of a reference NUTS run (the last attempt when draws were doubled).</summary>
internal sealed record NutsCheck(int Chains, int Warmup, int Draws, int Attempts, double MaxRHat, double MinEssBulk, int Divergences, bool Converged);

/// <summary>
/// Self-normalised, Pareto-smoothed importance sampling from a multivariate Student-t fitted to the NUTS mean and
/// covariance: its k-hat and ESS, and the largest discrepancies between its moments and NUTS's, in NUTS sds
/// (|Δmean| / sd and |sd ratio - 1|).
/// </summary>
internal sealed record ImportanceCheck(int Draws, double ProposalDf, double ParetoK, double Ess, double MaxMeanDiscrepancy, double MaxSdDiscrepancy)
{
    /// <summary>k-hat at most 0.7 and both discrepancies at most 0.1: the two methods agree.</summary>
    public bool Agrees => ParetoK <= 0.7 && MaxMeanDiscrepancy <= 0.1 && MaxSdDiscrepancy <= 0.1;
}
