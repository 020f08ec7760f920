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

    /// <summary>
    /// Σ_n w_n (c_n + y_n eta_n - t_n softplus(eta_n)) over the rows, values only: the logit families' log-likelihood
    /// (Bernoulli rows have c = 0 and t = 1; binomial rows their log binomial coefficient and total count); rows of weight
    /// 0 add nothing. softplus(eta) = max(eta, 0) + log(1 + e^-|eta|): one exponential and one logarithm per row and no
    /// sigmoid.
    /// </summary>
    /// <remarks>
    /// The softplus values come from <see cref="VectorSoftplus"/> a chunk of rows at a time (four lanes of double), the
    /// rest of the sum is plain multiply-adds. <c>TensorPrimitives</c>' exp and log were tried first and given up: they
    /// cost a one-problem process about 50 ms of compilation.
    /// </remarks>
    internal static double SumLogLikelihood(ReadOnlySpan<double> eta, double[] y, double[]? total, double[]? constant, double[]? weight)
    {
        const int Chunk = 256;
        Span<double> softplus = stackalloc double[Chunk];
        double logLik = 0;
        for (int start = 0; start < eta.Length; start += Chunk)
        {
            int length = Math.Min(Chunk, eta.Length - start);
            VectorSoftplus.Compute(eta.Slice(start, length), softplus);
            for (int k = 0; k < length; k++)
            {
                int n = start + k;
                double w = weight is null ? 1 : weight[n];
                if (w == 0)
                {
                    continue;
                }
                logLik += w * ((constant is null ? 0 : constant[n]) + y[n] * eta[n] - (total is null ? 1 : total[n]) * softplus[k]);
            }
        }
        return logLik;
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
