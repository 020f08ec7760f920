namespace Afin.References;

/// <summary>
/// Nesterov dual averaging of log(step size) towards a target mean acceptance statistic (Hoffman and
/// Gelman 2014, section 3.2), with Stan's constants and update order (stan::mcmc::stepsize_adaptation).
/// </summary>
internal sealed class StepSizeAdapter
{
    /// <summary>Stan's default gamma: how strongly the iterate is shrunk towards <see cref="Mu"/>.</summary>
    internal const double DefaultGamma = 0.05;

    /// <summary>Stan's default kappa: the decay exponent of the averaging weights.</summary>
    internal const double DefaultKappa = 0.75;

    /// <summary>Stan's default t0: damps the first few updates.</summary>
    internal const double DefaultT0 = 10;

    private double _counter;
    private double _sBar;
    private double _xBar;

    internal StepSizeAdapter(double targetAcceptance, double gamma = DefaultGamma, double kappa = DefaultKappa, double t0 = DefaultT0)
    {
        Delta = targetAcceptance;
        Gamma = gamma;
        Kappa = kappa;
        T0 = t0;
        Restart();
    }

    /// <summary>The target mean acceptance statistic (delta).</summary>
    internal double Delta { get; }

    internal double Gamma { get; }

    internal double Kappa { get; }

    internal double T0 { get; }

    /// <summary>
    /// The point log(step size) is shrunk towards; set to log(10 * step size) so that the iterates
    /// explore larger steps first, which are cheaper, before settling.
    /// </summary>
    internal double Mu { get; set; }

    /// <summary>Forgets the averaging history, keeping <see cref="Mu"/> (done after each metric update).</summary>
    internal void Restart()
    {
        _counter = 0;
        _sBar = 0;
        _xBar = 0;
    }

    /// <summary>
    /// Folds in the acceptance statistic of the latest transition and returns the next step size
    /// to use during warmup (the current dual-averaging iterate, not the average).
    /// </summary>
    internal double Learn(double acceptStat)
    {
        _counter++;
        // The statistic is an average of min(1, exp(-dH)) and so never exceeds 1, but clamping keeps
        // the update well defined if a caller passes a raw ratio.
        acceptStat = acceptStat > 1 ? 1 : acceptStat;

        double eta = 1.0 / (_counter + T0);
        _sBar = (1.0 - eta) * _sBar + eta * (Delta - acceptStat);

        double x = Mu - _sBar * Math.Sqrt(_counter) / Gamma;
        double xEta = Math.Pow(_counter, -Kappa);
        _xBar = (1.0 - xEta) * _xBar + xEta * x;

        return Math.Exp(x);
    }

    /// <summary>
    /// The step size to sample with once warmup ends: the weighted average of the iterates, which
    /// has far less noise than the last iterate.
    /// </summary>
    internal double FinalStepSize() => Math.Exp(_xBar);
}
