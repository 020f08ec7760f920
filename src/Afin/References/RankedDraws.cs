namespace Afin.References;

/// <summary>
/// Draws of one quantity from several chains of equal length, sorted once, from which the rank
/// normalisations of the draws and of the draws folded about their median are both read off.
/// </summary>
/// <remarks>
/// The folded draws |x - median| need no second sort: walking outwards from the median through the
/// sorted draws yields two ascending sequences (distances below and above it), and merging them
/// sorts the folded draws in linear time.
/// </remarks>
internal sealed class RankedDraws
{
    private readonly double[][] _chains;
    private readonly NormalScoreTable? _table;
    private readonly int _length;
    private readonly int _size;
    private readonly double[] _sortedValues;
    private readonly int[] _sortedIndex;

    /// <param name="chains">Finite draws, one array per chain, of equal length.</param>
    /// <param name="table">Scores by rank for this total number of draws, or null to compute them.</param>
    internal RankedDraws(double[][] chains, NormalScoreTable? table)
    {
        _chains = chains;
        _length = chains[0].Length;
        _size = chains.Length * _length;
        _table = table is not null && table.Size == _size ? table : null;
        _sortedValues = new double[_size];
        _sortedIndex = new int[_size];
        for (int c = 0; c < chains.Length; c++)
        {
            chains[c].CopyTo(_sortedValues, c * _length);
        }
        for (int k = 0; k < _size; k++)
        {
            _sortedIndex[k] = k;
        }
        // Ties get their average rank, so the order among them (which Array.Sort leaves
        // unspecified) does not matter.
        Array.Sort(_sortedValues, _sortedIndex);
    }

    /// <summary>The rank-normalised draws, in the chains' layout.</summary>
    internal double[][] BulkScores() => Scores(_sortedValues, _sortedIndex);

    /// <summary>The rank-normalised folded draws |x - median|, in the chains' layout.</summary>
    internal double[][] FoldedScores()
    {
        double median = _size % 2 == 1
            ? _sortedValues[_size / 2]
            : 0.5 * (_sortedValues[_size / 2 - 1] + _sortedValues[_size / 2]);
        int above = 0;
        while (above < _size && _sortedValues[above] < median)
        {
            above++;
        }
        // median - x for x below equals |x - median| exactly (IEEE subtraction is antisymmetric).
        var values = new double[_size];
        var index = new int[_size];
        int below = above - 1;
        for (int k = 0; k < _size; k++)
        {
            double down = below >= 0 ? median - _sortedValues[below] : double.PositiveInfinity;
            double up = above < _size ? _sortedValues[above] - median : double.PositiveInfinity;
            if (down <= up)
            {
                values[k] = down;
                index[k] = _sortedIndex[below--];
            }
            else
            {
                values[k] = up;
                index[k] = _sortedIndex[above++];
            }
        }
        return Scores(values, index);
    }

    private double[][] Scores(double[] sortedValues, int[] sortedIndex)
    {
        var result = new double[_chains.Length][];
        for (int c = 0; c < result.Length; c++)
        {
            result[c] = new double[_length];
        }
        int start = 0;
        while (start < _size)
        {
            int end = start + 1;
            while (end < _size && sortedValues[end] == sortedValues[start])
            {
                end++;
            }
            // Ranks are 1-based: sorted positions start..end-1 hold ranks start+1..end.
            double score = end == start + 1 && _table is not null
                ? _table[start]
                : NormalScoreTable.Score(0.5 * (start + 1 + end), _size);
            for (int k = start; k < end; k++)
            {
                int flat = sortedIndex[k];
                result[flat / _length][flat % _length] = score;
            }
            start = end;
        }
        return result;
    }
}
