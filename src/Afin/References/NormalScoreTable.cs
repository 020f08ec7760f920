using MathNet.Numerics.Distributions;

namespace Afin.References;

/// <summary>
/// The normal scores Phi^-1((r - 3/8) / (S + 1/4)) of the ranks r = 1..S of S draws, computed once and
/// shared by every coordinate of a result: the inverse normal CDF is the most expensive step of rank
/// normalisation, and without ties the scores depend on the rank alone.
/// </summary>
internal sealed class NormalScoreTable
{
    private readonly double[] _scores;

    internal NormalScoreTable(int size)
    {
        Size = size;
        _scores = new double[size];
        for (int k = 0; k < size; k++)
        {
            _scores[k] = Score(k + 1, size);
        }
    }

    /// <summary>The number of draws S the table is for.</summary>
    internal int Size { get; }

    /// <summary>The score of the draw at 0-based sorted position <paramref name="position"/> (rank position + 1).</summary>
    internal double this[int position] => _scores[position];

    /// <summary>The normal score of a (possibly tie-averaged, so fractional) rank among <paramref name="size"/> draws.</summary>
    internal static double Score(double rank, int size) => Normal.InvCDF(0, 1, (rank - 0.375) / (size + 0.25));
}
