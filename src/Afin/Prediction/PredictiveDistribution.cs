using Afin.Modelling;
using MathNet.Numerics.Distributions;
using Logistic = Afin.Modelling.Logistic;

namespace Afin.Prediction;

/// <summary>
/// One new row's predictive distribution: its family's observation distribution averaged over the posterior of the
/// row's linear predictor (a <see cref="PredictorMixture"/>). Means and P(y = 1) are averages over every point;
/// quantiles invert the averaged CDF (bisection for continuous y, a search over whole numbers for counts).
/// </summary>
internal sealed class PredictiveDistribution
{
    private readonly string _family;
    private readonly PredictorMixture _predictor;
    private readonly double _sigma, _df, _trials;

    public PredictiveDistribution(string family, PredictorMixture predictor, double sigma, double df, double trials)
    {
        _family = family;
        _predictor = predictor;
        _sigma = sigma;
        _df = df;
        _trials = trials;
    }

    /// <summary>The family name's observation model for row <paramref name="row"/> of <paramref name="rows"/>.</summary>
    public static PredictiveDistribution For(string family, PredictorMixture predictor, ResolvedRows rows, int row) =>
        new(family, predictor, rows.Sigma.Length == 0 ? 0 : rows.Sigma[row], rows.Df.Length == 0 ? 0 : rows.Df[row],
            rows.TotalCount.Length == 0 ? 0 : rows.TotalCount[row]);

    /// <summary>Mean, central interval at <paramref name="level"/>, and P(y = 1) for Bernoulli rows.</summary>
    public Prediction Summarise(double level)
    {
        double mean = _family switch
        {
            "bernoulli_logit" => _predictor.Average(Logistic.Sigmoid),
            "binomial_logit" => _trials * _predictor.Average(Logistic.Sigmoid),
            "poisson_log" => _predictor.Average(Math.Exp),
            _ => _predictor.Average(eta => eta),
        };
        double tail = (1 - level) / 2;
        var quantiles = _predictor.ForQuantiles();
        double lower = Quantile(quantiles, tail), upper = Quantile(quantiles, 1 - tail);
        return new Prediction(mean, lower, upper, _family == "bernoulli_logit" ? mean : null);
    }

    /// <summary>log p(y) under the predictive distribution (the held-out log-likelihood of an observed value).</summary>
    public double LogDensity(double y)
    {
        if (_family == "bernoulli_logit")
        {
            double p = _predictor.Average(Logistic.Sigmoid);
            return Math.Log(y == 1 ? p : 1 - p);
        }
        var logs = new double[_predictor.Values.Length];
        for (int k = 0; k < logs.Length; k++)
        {
            logs[k] = Math.Log(_predictor.Weights[k]) + ComponentLogDensity(_predictor.Values[k], y);
        }
        double max = logs.Max();
        return double.IsNegativeInfinity(max) ? max : max + Math.Log(logs.Sum(l => Math.Exp(l - max)));
    }

    private double ComponentLogDensity(double eta, double y) => _family switch
    {
        "linear_student_t" => StudentT.PDFLn(eta, _sigma, _df, y),
        "binomial_logit" => Binomial.PMFLn(Logistic.Sigmoid(eta), (int)_trials, (int)y),
        "poisson_log" => Poisson.PMFLn(Math.Exp(eta), (int)y),
        _ => Normal.PDFLn(eta, _sigma, y),
    };

    /// <summary>P(Y ≤ y | eta).</summary>
    private double ComponentCdf(double eta, double y) => _family switch
    {
        "linear_student_t" => StudentT.CDF(eta, _sigma, _df, y),
        "bernoulli_logit" => y < 0 ? 0 : y < 1 ? 1 - Logistic.Sigmoid(eta) : 1,
        "binomial_logit" => y < 0 ? 0 : y >= _trials ? 1 : Binomial.CDF(Logistic.Sigmoid(eta), (int)_trials, Math.Floor(y)),
        "poisson_log" => y < 0 ? 0 : Poisson.CDF(Math.Exp(eta), Math.Floor(y)),
        _ => Normal.CDF(eta, _sigma, y),
    };

    private static double Cdf(PredictiveDistribution d, PredictorMixture at, double y)
    {
        double sum = 0;
        for (int k = 0; k < at.Values.Length; k++)
        {
            sum += at.Weights[k] * d.ComponentCdf(at.Values[k], y);
        }
        return sum;
    }

    /// <summary>The smallest y with F(y) ≥ p.</summary>
    private double Quantile(PredictorMixture at, double p) => _family is "bernoulli_logit" or "binomial_logit" or "poisson_log"
        ? CountQuantile(at, p)
        : ContinuousQuantile(at, p);

    private double ContinuousQuantile(PredictorMixture at, double p)
    {
        // Every point's distribution is the same shape shifted by eta, so the mixture's quantile lies between theirs.
        double standard = _family == "linear_student_t" ? StudentT.InvCDF(0, 1, _df, p) : Normal.InvCDF(0, 1, p);
        double lo = at.Values.Min() + _sigma * standard, hi = at.Values.Max() + _sigma * standard;
        for (int i = 0; i < 200 && hi - lo > 1e-12 * Math.Max(1, Math.Abs(lo) + Math.Abs(hi)); i++)
        {
            double mid = 0.5 * (lo + hi);
            if (Cdf(this, at, mid) >= p)
            {
                hi = mid;
            }
            else
            {
                lo = mid;
            }
        }
        return 0.5 * (lo + hi);
    }

    private double CountQuantile(PredictorMixture at, double p)
    {
        double hi = _family == "poisson_log" ? Math.Max(1, Math.Ceiling(Math.Exp(at.Values.Max()))) : Math.Max(1, _trials);
        while (Cdf(this, at, hi) < p && hi < 1e15)
        {
            hi *= 2;
        }
        double lo = -1;   // F(-1) = 0 < p
        while (hi - lo > 1)
        {
            double mid = Math.Floor(0.5 * (lo + hi));
            if (Cdf(this, at, mid) >= p)
            {
                hi = mid;
            }
            else
            {
                lo = mid;
            }
        }
        return hi;
    }
}
