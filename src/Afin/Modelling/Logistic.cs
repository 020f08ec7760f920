using Afin.Numerics;

namespace Afin.Modelling;

/// <summary>Numerically stable logistic helpers for the logit-link families.</summary>
internal static class Logistic
{
    /// <summary>
    /// log(1 + e^eta) and sigmoid(eta) from one exponential, e^-|eta|: the pair every logit-link
    /// factor needs per row, so computing them together halves the transcendental work.
    /// </summary>
    internal static double SoftplusAndSigmoid(double eta, out double sigmoid)
    {
        double e = Math.Exp(-Math.Abs(eta));
        double inverse = 1 / (1 + e);
        sigmoid = eta >= 0 ? inverse : e * inverse;
        return Math.Max(eta, 0) + SpecialMath.Log1P(e);
    }

    /// <summary>1 / (1 + e^-eta) without overflow.</summary>
    internal static double Sigmoid(double eta)
    {
        if (eta >= 0)
        {
            return 1 / (1 + Math.Exp(-eta));
        }
        double e = Math.Exp(eta);
        return e / (1 + e);
    }
}
