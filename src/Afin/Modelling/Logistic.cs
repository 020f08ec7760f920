using Afin.Numerics;

namespace Afin.Modelling;

/// <summary>Numerically stable logistic helpers for the logit-link families.</summary>
internal static class Logistic
{
    /// <summary>log(1 + e^eta) without overflow for large |eta|.</summary>
    internal static double Softplus(double eta) => eta > 0 ? eta + SpecialMath.Log1P(Math.Exp(-eta)) : SpecialMath.Log1P(Math.Exp(eta));

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
