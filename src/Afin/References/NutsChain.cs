using System.Runtime.CompilerServices;
using Afin.Modelling;

namespace Afin.References;

/// <summary>
/// One chain of the multinomial No-U-Turn sampler with a diagonal Euclidean metric, following Stan's
/// base_nuts (2.26+) and adapt_diag_e_nuts: warmup with dual-averaging step-size adaptation and
/// windowed metric adaptation, then sampling.
/// </summary>
/// <remarks>
/// <para>
/// A transition draws a momentum and doubles a trajectory of leapfrog steps in random directions
/// until it makes a U-turn. Each doubling builds a subtree of the same length as the trajectory so
/// far; the next state is chosen among all states with probability proportional to exp(-H), by
/// multinomial sampling inside subtrees and a sampling step biased towards the new subtree when
/// merging at the top (Betancourt 2017, appendix A).
/// </para>
/// <para>
/// All buffers are allocated up front and the recursion uses one <see cref="TreeLevel"/> per depth,
/// so a transition performs no allocation; the log density writes its gradient in place. The hot
/// methods skip tiered compilation: a run of a few hundred milliseconds would otherwise spend most
/// of its time in unoptimised tier-0 code.
/// </para>
/// </remarks>
internal sealed class NutsChain
{
    /// <summary>Stan's threshold on the energy error H - H0 beyond which a trajectory is called divergent.</summary>
    internal const double MaxEnergyError = 1000;

    /// <summary>Random starts tried before giving up on finding a point with finite density and gradient.</summary>
    private const int MaxInitialisationAttempts = 100;

    /// <summary>Half-width of Stan's uniform random initialisation.</summary>
    private const double InitialisationRadius = 2;

    private static readonly double LogPoint8 = Math.Log(0.8);

    private readonly ILogDensity _density;
    private readonly Xoshiro256StarStar _rng;
    private readonly int _dimension;
    private readonly int _maxDepth;

    /// <summary>Diagonal of the inverse metric M^-1 (the adapted posterior variances).</summary>
    private readonly double[] _inverseMetric;

    /// <summary>1 / sqrt(M^-1): the momentum scale, cached because it is needed every transition.</summary>
    private readonly double[] _momentumScale;

    // Trajectory state of a transition, named as in Stan: fwd / bck are the two ends of the
    // trajectory, and within each end-subtree fwd / bck are its two ends again. Stan also keeps
    // the "sharp" momenta M^-1 p at these ends; they are recomputed where needed instead, which
    // halves the copying per leapfrog step.
    private readonly PhasePoint _zFwd;
    private readonly PhasePoint _zBck;
    private readonly double[] _pFwdFwd;
    private readonly double[] _pFwdBck;
    private readonly double[] _pBckFwd;
    private readonly double[] _pBckBck;
    private readonly double[] _rho;
    private readonly double[] _rhoFwd;
    private readonly double[] _rhoBck;
    private readonly TreeLevel[] _levels;

    /// <summary>The chain's current state, which is also the sample of the transition in progress.</summary>
    private PhasePoint _zSample;

    /// <summary>The state proposed by the subtree being built; swapped with <see cref="_zSample"/> when accepted.</summary>
    private PhasePoint _zPropose;

    // Per-transition accumulators, kept as fields so the recursion does not pass them around.
    private double _stepSize;
    private double _h0;
    private int _leapfrogSteps;
    private double _sumMetropolisProbability;
    private bool _divergent;

    internal NutsChain(ILogDensity density, long seed, int chainIndex, int maxDepth)
    {
        _density = density;
        _dimension = density.Dimension;
        _maxDepth = maxDepth;
        _rng = new Xoshiro256StarStar(seed, chainIndex);
        int d = _dimension;
        _inverseMetric = new double[d];
        _momentumScale = new double[d];
        Array.Fill(_inverseMetric, 1.0);
        Array.Fill(_momentumScale, 1.0);

        _zFwd = new PhasePoint(d);
        _zBck = new PhasePoint(d);
        _zSample = new PhasePoint(d);
        _zPropose = new PhasePoint(d);
        _pFwdFwd = new double[d];
        _pFwdBck = new double[d];
        _pBckFwd = new double[d];
        _pBckBck = new double[d];
        _rho = new double[d];
        _rhoFwd = new double[d];
        _rhoBck = new double[d];
        // A subtree of depth k uses the levels 1..k; the deepest subtree has depth maxDepth - 1.
        _levels = new TreeLevel[maxDepth];
        for (int k = 1; k < maxDepth; k++)
        {
            _levels[k] = new TreeLevel(d);
        }
    }

    /// <summary>The current position of the chain.</summary>
    internal ReadOnlySpan<double> Position => _zSample.Q;

    /// <summary>The log density at <see cref="Position"/>.</summary>
    internal double LogDensity => _zSample.LogDensity;

    /// <summary>The diagonal inverse metric in use (the adapted variances after warmup).</summary>
    internal double[] InverseMetric => _inverseMetric;

    /// <summary>Log density (and gradient) evaluations so far.</summary>
    internal long GradientEvaluations { get; private set; }

    /// <summary>Tree depth reached by the last transition.</summary>
    internal int LastTreeDepth { get; private set; }

    /// <summary>Leapfrog steps taken by the last transition.</summary>
    internal int LastLeapfrogSteps => _leapfrogSteps;

    /// <summary>Whether the last transition diverged.</summary>
    internal bool LastDivergent => _divergent;

    /// <summary>Mean Metropolis acceptance probability over the last trajectory (the adaptation statistic).</summary>
    internal double LastAcceptStat { get; private set; }

    /// <summary>
    /// Sets the starting point: <paramref name="initialPoint"/> when given, otherwise the first of up to
    /// 100 uniform draws on (-2, 2)^d with a finite log density and gradient, as Stan does.
    /// </summary>
    internal void Initialise(IReadOnlyList<double>? initialPoint)
    {
        var z = _zSample;
        if (initialPoint is not null)
        {
            for (int i = 0; i < _dimension; i++)
            {
                z.Q[i] = initialPoint[i];
            }
            if (!EvaluateIsFinite(z))
            {
                throw new InvalidOperationException(
                    "The log density or its gradient is not finite at NutsOptions.InitialPoint.");
            }
            return;
        }
        for (int attempt = 0; attempt < MaxInitialisationAttempts; attempt++)
        {
            for (int i = 0; i < _dimension; i++)
            {
                z.Q[i] = _rng.NextUniform(-InitialisationRadius, InitialisationRadius);
            }
            if (EvaluateIsFinite(z))
            {
                return;
            }
        }
        throw new InvalidOperationException(
            $"No point with a finite log density and gradient was found in {MaxInitialisationAttempts} uniform draws "
            + $"on (-{InitialisationRadius}, {InitialisationRadius})^d; supply NutsOptions.InitialPoint.");
    }

    private bool EvaluateIsFinite(PhasePoint z)
    {
        z.LogDensity = _density.Evaluate(z.Q, z.G);
        GradientEvaluations++;
        if (!double.IsFinite(z.LogDensity))
        {
            return false;
        }
        for (int i = 0; i < _dimension; i++)
        {
            if (!double.IsFinite(z.G[i]))
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>
    /// Stan's heuristic for a reasonable step size (base_hmc::init_stepsize): double or halve it until
    /// the acceptance ratio of a single leapfrog step from the current point crosses 0.8.
    /// </summary>
    internal double FindReasonableStepSize(double stepSize)
    {
        // Stan skips the search for degenerate starting values rather than looping forever.
        if (stepSize == 0 || stepSize > 1e7 || double.IsNaN(stepSize))
        {
            return stepSize;
        }
        double deltaH = OneStepEnergyChange(stepSize);
        int direction = deltaH > LogPoint8 ? 1 : -1;
        while (true)
        {
            deltaH = OneStepEnergyChange(stepSize);
            if (direction == 1 && !(deltaH > LogPoint8))
            {
                break;
            }
            if (direction == -1 && !(deltaH < LogPoint8))
            {
                break;
            }
            stepSize = direction == 1 ? 2.0 * stepSize : 0.5 * stepSize;
            if (stepSize > 1e7)
            {
                throw new InvalidOperationException(
                    "The step-size search diverged to > 1e7: the density looks improper (it does not decay).");
            }
            if (stepSize == 0)
            {
                throw new InvalidOperationException(
                    "No acceptably small step size could be found; the density may not be continuous.");
            }
        }
        return stepSize;
    }

    /// <summary>H0 - H after one leapfrog step with a fresh momentum from the current point (NaN counts as -inf).</summary>
    private double OneStepEnergyChange(double stepSize)
    {
        var z = _zFwd;
        z.CopyPositionFrom(_zSample);
        SampleMomentum(z.P);
        double h0 = Hamiltonian(z);
        Leapfrog(z, stepSize);
        double h = Hamiltonian(z);
        if (double.IsNaN(h))
        {
            h = double.PositiveInfinity;
        }
        return h0 - h;
    }

    /// <summary>
    /// Starts from <paramref name="inverseMetric"/> (validated by <see cref="NutsOptions.Validate"/>)
    /// instead of the identity; null keeps the identity.
    /// </summary>
    internal void InitialiseMetric(IReadOnlyList<double>? inverseMetric)
    {
        if (inverseMetric is null)
        {
            return;
        }
        for (int i = 0; i < _dimension; i++)
        {
            _inverseMetric[i] = inverseMetric[i];
        }
        InverseMetricChanged();
    }

    /// <summary>Recomputes what depends on the inverse metric after <see cref="InverseMetric"/> changed.</summary>
    internal void InverseMetricChanged()
    {
        for (int i = 0; i < _dimension; i++)
        {
            _momentumScale[i] = 1.0 / Math.Sqrt(_inverseMetric[i]);
        }
    }

    /// <summary>
    /// One NUTS transition from the current state with step size <paramref name="stepSize"/>; the
    /// chain's state becomes the new draw.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal void Transition(double stepSize)
    {
        _stepSize = stepSize;

        var zFwd = _zFwd;
        zFwd.CopyPositionFrom(_zSample);
        SampleMomentum(zFwd.P);
        _zBck.CopyFrom(zFwd);
        ReadOnlySpan<double> p = zFwd.P;
        p.CopyTo(_pFwdFwd);
        p.CopyTo(_pFwdBck);
        p.CopyTo(_pBckFwd);
        p.CopyTo(_pBckBck);
        p.CopyTo(_rho);

        // Weights are exp(H0 - H), so the initial state has weight 1 (log weight 0).
        double logSumWeight = 0;
        _h0 = Hamiltonian(zFwd);
        _leapfrogSteps = 0;
        _sumMetropolisProbability = 0;
        _divergent = false;
        int depth = 0;

        while (depth < _maxDepth)
        {
            double logSumWeightSubtree = double.NegativeInfinity;
            bool validSubtree;
            if (_rng.NextDouble() > 0.5)
            {
                // Extend forwards: the whole old trajectory becomes the backward subtree.
                _rho.AsSpan().CopyTo(_rhoBck);
                _pFwdFwd.AsSpan().CopyTo(_pBckFwd);
                _rhoFwd.AsSpan().Clear();
                validSubtree = BuildTree(_zFwd, depth, ref _zPropose, _rhoFwd, _pFwdBck, _pFwdFwd, 1.0, ref logSumWeightSubtree);
            }
            else
            {
                // Extend backwards: the whole old trajectory becomes the forward subtree.
                _rho.AsSpan().CopyTo(_rhoFwd);
                _pBckBck.AsSpan().CopyTo(_pFwdBck);
                _rhoBck.AsSpan().Clear();
                validSubtree = BuildTree(_zBck, depth, ref _zPropose, _rhoBck, _pBckFwd, _pBckBck, -1.0, ref logSumWeightSubtree);
            }

            if (!validSubtree)
            {
                break;
            }
            depth++;

            // Biased progressive sampling: move to the new subtree with probability
            // min(1, w_new / w_old), which favours states far from the start.
            if (logSumWeightSubtree > logSumWeight
                || _rng.NextDouble() < Math.Exp(logSumWeightSubtree - logSumWeight))
            {
                (_zSample, _zPropose) = (_zPropose, _zSample);
            }
            logSumWeight = LogSumExp(logSumWeight, logSumWeightSubtree);

            // The trajectory is now the backward subtree followed by the forward one; its
            // momentum sum is rebuilt from theirs while the U-turn criterion is checked.
            _rho.AsSpan().Clear();
            if (!NutsKernels.MergeAndCheck(_rho, _rhoBck, _rhoFwd, _inverseMetric, _pBckBck, _pBckFwd, _pFwdBck, _pFwdFwd))
            {
                break;
            }
        }

        LastTreeDepth = depth;
        // The average over every state visited, including those of rejected subtrees.
        LastAcceptStat = _sumMetropolisProbability / _leapfrogSteps;
    }

    /// <summary>
    /// Builds a subtree of 2^<paramref name="depth"/> leapfrog steps from <paramref name="z"/> in the
    /// direction <paramref name="sign"/>, moving <paramref name="z"/> to its far end (Stan's build_tree).
    /// </summary>
    /// <param name="z">The moving end of the trajectory; ends at the far end of the subtree.</param>
    /// <param name="depth">log2 of the number of leapfrog steps.</param>
    /// <param name="propose">Receives the state sampled from the subtree (by swapping buffers).</param>
    /// <param name="rho">Accumulates the sum of the momenta of the subtree.</param>
    /// <param name="pBeg">Receives the momentum at the near end.</param>
    /// <param name="pEnd">Receives the momentum at the far end.</param>
    /// <param name="sign">+1 to integrate forwards in time, -1 backwards.</param>
    /// <param name="logSumWeight">Accumulates log sum exp(H0 - H) over the subtree.</param>
    /// <returns>False when the subtree diverged or contains a U-turn, so it must be rejected.</returns>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private bool BuildTree(PhasePoint z, int depth, ref PhasePoint propose, double[] rho, double[] pBeg, double[] pEnd,
        double sign, ref double logSumWeight)
    {
        if (depth == 0)
        {
            Leapfrog(z, sign * _stepSize);
            _leapfrogSteps++;

            double h = Hamiltonian(z);
            if (double.IsNaN(h))
            {
                h = double.PositiveInfinity;
            }
            if (h - _h0 > MaxEnergyError)
            {
                _divergent = true;
            }
            double logWeight = _h0 - h;
            logSumWeight = LogSumExp(logSumWeight, logWeight);
            _sumMetropolisProbability += logWeight > 0 ? 1.0 : Math.Exp(logWeight);

            propose.CopyPositionFrom(z);
            NutsKernels.Add(rho, z.P);
            z.P.AsSpan().CopyTo(pBeg);
            z.P.AsSpan().CopyTo(pEnd);
            return !_divergent;
        }

        var level = _levels[depth];

        double logSumWeightInit = double.NegativeInfinity;
        level.RhoInit.AsSpan().Clear();
        if (!BuildTree(z, depth - 1, ref propose, level.RhoInit, pBeg, level.PInitEnd, sign, ref logSumWeightInit))
        {
            return false;
        }

        double logSumWeightFinal = double.NegativeInfinity;
        level.RhoFinal.AsSpan().Clear();
        if (!BuildTree(z, depth - 1, ref level.ProposeFinal, level.RhoFinal, level.PFinalBeg, pEnd, sign, ref logSumWeightFinal))
        {
            return false;
        }

        // Multinomial sampling within the subtree: take the final half with probability
        // w_final / (w_init + w_final), which makes every state's chance proportional to its weight.
        // Both sums are finite here (a state of infinite energy is a divergence), and one
        // exponential serves for the log-sum and the probability.
        double logSumWeightSubtree, probabilityFinal;
        if (logSumWeightFinal >= logSumWeightInit)
        {
            double ratio = Math.Exp(logSumWeightInit - logSumWeightFinal);
            logSumWeightSubtree = logSumWeightFinal + Math.Log(1.0 + ratio);
            probabilityFinal = 1.0 / (1.0 + ratio);
        }
        else
        {
            double ratio = Math.Exp(logSumWeightFinal - logSumWeightInit);
            logSumWeightSubtree = logSumWeightInit + Math.Log(1.0 + ratio);
            probabilityFinal = ratio / (1.0 + ratio);
        }
        logSumWeight = LogSumExp(logSumWeight, logSumWeightSubtree);
        if (_rng.NextDouble() < probabilityFinal)
        {
            (propose, level.ProposeFinal) = (level.ProposeFinal, propose);
        }

        return NutsKernels.MergeAndCheck(rho, level.RhoInit, level.RhoFinal, _inverseMetric, pBeg, level.PInitEnd, level.PFinalBeg, pEnd);
    }

    /// <summary>
    /// One leapfrog step of size <paramref name="epsilon"/> (negative to go back in time): half kick,
    /// drift, gradient at the new position, half kick.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Leapfrog(PhasePoint z, double epsilon)
    {
        double halfEpsilon = 0.5 * epsilon;
        NutsKernels.KickDrift(z.Q, z.P, z.G, _inverseMetric, halfEpsilon, epsilon);
        z.LogDensity = _density.Evaluate(z.Q, z.G);
        GradientEvaluations++;
        NutsKernels.AddScaled(z.P, halfEpsilon, z.G);
    }

    /// <summary>H = -log p(q) + p' M^-1 p / 2.</summary>
    private double Hamiltonian(PhasePoint z) => 0.5 * NutsKernels.QuadraticForm(z.P, _inverseMetric) - z.LogDensity;

    /// <summary>p ~ N(0, M) with M = diag(1 / inverse metric).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void SampleMomentum(double[] p)
    {
        for (int i = 0; i < p.Length; i++)
        {
            p[i] = _rng.NextNormal() * _momentumScale[i];
        }
    }

    /// <summary>log(exp(a) + exp(b)) without overflow; -inf acts as the identity.</summary>
    private static double LogSumExp(double a, double b)
    {
        if (a == double.NegativeInfinity)
        {
            return b;
        }
        if (b == double.NegativeInfinity)
        {
            return a;
        }
        return a > b ? a + Math.Log(1.0 + Math.Exp(b - a)) : b + Math.Log(1.0 + Math.Exp(a - b));
    }
}
