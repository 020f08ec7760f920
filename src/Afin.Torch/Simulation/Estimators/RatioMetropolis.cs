namespace Afin.Simulation.Estimators;

/// <summary>
/// Random-walk Metropolis on log prior + estimated log ratio with parallel chains evaluated in one batch per step.
/// Chains start from prior draws; during warm-up each chain's proposal scale is multiplied by exp(acceptance - 0.3)
/// every 25 steps, which settles near the efficient acceptance rate of a random walk.
/// </summary>
internal sealed class RatioMetropolis
{
    private readonly IParameterPrior _prior;
    private readonly Func<double[], float[]> _logRatios;
    private readonly double[] _baseScale;
    private readonly int _chains;
    private readonly Random _random;

    /// <param name="prior">The prior.</param>
    /// <param name="logRatios">Log ratios of flat parameters (chains x p), one per chain.</param>
    /// <param name="scale">A typical spread of each parameter (the training set's), the starting proposal scale.</param>
    /// <param name="chains">Parallel chains.</param>
    /// <param name="random">The seeded generator.</param>
    internal RatioMetropolis(IParameterPrior prior, Func<double[], float[]> logRatios, double[] scale, int chains, Random random)
    {
        _prior = prior;
        _logRatios = logRatios;
        _baseScale = scale;
        _chains = chains;
        _random = random;
    }

    /// <summary>Runs warm-up then keeps <paramref name="draws"/> draws in all (split across chains).</summary>
    internal double[][] Run(int warmup, int draws)
    {
        int p = _prior.Dimension;
        var current = Enumerable.Range(0, _chains).Select(_ => _prior.Sample(_random)).ToArray();
        var logTarget = Evaluate(current);
        var step = Enumerable.Repeat(0.5 * 2.38 / Math.Sqrt(p), _chains).ToArray();
        var accepted = new int[_chains];
        int perChain = (draws + _chains - 1) / _chains;
        var kept = new List<double[]>(perChain * _chains);
        for (int t = 0; t < warmup + perChain; t++)
        {
            var proposal = current.Select((x, c) => x.Select((v, j) => v + step[c] * _baseScale[j] * StandardNormal.Draw(_random)).ToArray()).ToArray();
            var proposed = Evaluate(proposal);
            for (int c = 0; c < _chains; c++)
            {
                if (Math.Log(_random.NextDouble()) < proposed[c] - logTarget[c])
                {
                    current[c] = proposal[c];
                    logTarget[c] = proposed[c];
                    accepted[c]++;
                }
            }
            if (t < warmup && (t + 1) % 25 == 0)
            {
                for (int c = 0; c < _chains; c++)
                {
                    step[c] *= Math.Exp(accepted[c] / 25.0 - 0.3);
                    accepted[c] = 0;
                }
            }
            if (t >= warmup)
            {
                kept.AddRange(current.Select(x => (double[])x.Clone()));
            }
        }
        return kept.Take(draws).ToArray();
    }

    private double[] Evaluate(double[][] points)
    {
        var logPrior = points.Select(x => _prior.LogDensity(x)).ToArray();
        // Points outside the support are never evaluated by the network (their ratio is irrelevant and may be wild).
        var inside = points.Where((_, c) => double.IsFinite(logPrior[c])).ToArray();
        var ratios = inside.Length == 0 ? [] : _logRatios(inside.SelectMany(x => x).ToArray());
        var result = new double[points.Length];
        for (int c = 0, k = 0; c < points.Length; c++)
        {
            result[c] = double.IsFinite(logPrior[c]) ? logPrior[c] + ratios[k++] : double.NegativeInfinity;
        }
        return result;
    }
}
