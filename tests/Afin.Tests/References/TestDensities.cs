using Afin.Modelling;
using MathNet.Numerics.LinearAlgebra;

namespace Afin.Tests.References;

/// <summary>N(mean, covariance) with a dense covariance: the exact answer is known.</summary>
internal sealed class CorrelatedGaussianDensity : ILogDensity
{
    private readonly double[,] _precision;
    private readonly double[] _residual;

    internal CorrelatedGaussianDensity(double[] mean, double[,] covariance)
    {
        Mean = mean;
        Covariance = covariance;
        _precision = Matrix<double>.Build.DenseOfArray(covariance).Inverse().ToArray();
        _residual = new double[mean.Length];
    }

    internal double[] Mean { get; }

    internal double[,] Covariance { get; }

    /// <summary>
    /// A d-dimensional target with non-trivial means, scales from 0.3 to 3 and AR(1)-style
    /// correlation 0.6^|i-j|, so that a diagonal metric cannot remove all of the difficulty.
    /// </summary>
    internal static CorrelatedGaussianDensity Create(int d)
    {
        var mean = new double[d];
        var scale = new double[d];
        for (int i = 0; i < d; i++)
        {
            mean[i] = 1.5 - 0.7 * i + 0.05 * i * i;
            scale[i] = d == 1 ? 2.0 : 0.3 + 2.7 * i / (d - 1.0);
        }
        // Interleave the scales so that strongly correlated neighbours have very different scales.
        if (d > 2)
        {
            var interleaved = new double[d];
            for (int i = 0; i < d; i++)
            {
                interleaved[i] = scale[i % 2 == 0 ? i / 2 : d - 1 - i / 2];
            }
            scale = interleaved;
        }
        var covariance = new double[d, d];
        for (int i = 0; i < d; i++)
        {
            for (int j = 0; j < d; j++)
            {
                covariance[i, j] = scale[i] * scale[j] * Math.Pow(0.6, Math.Abs(i - j));
            }
        }
        return new CorrelatedGaussianDensity(mean, covariance);
    }

    public int Dimension => Mean.Length;

    public double Evaluate(ReadOnlySpan<double> z, Span<double> gradient)
    {
        int d = Dimension;
        for (int i = 0; i < d; i++)
        {
            _residual[i] = z[i] - Mean[i];
        }
        double quadratic = 0;
        for (int i = 0; i < d; i++)
        {
            double g = 0;
            for (int j = 0; j < d; j++)
            {
                g -= _precision[i, j] * _residual[j];
            }
            gradient[i] = g;
            quadratic += g * _residual[i];
        }
        return 0.5 * quadratic;
    }

    public ILogDensity CreateWorker() => new CorrelatedGaussianDensity(Mean, Covariance);
}

/// <summary>
/// Logistic regression y_n ~ Bernoulli(sigmoid(x_n' beta)) with a N(0, 1) prior on every coefficient;
/// x_n includes an intercept column when asked for.
/// </summary>
internal sealed class LogisticRegressionDensity : ILogDensity
{
    internal LogisticRegressionDensity(double[][] x, int[] y)
    {
        X = x;
        Y = y;
    }

    internal double[][] X { get; }

    internal int[] Y { get; }

    /// <summary>
    /// n observations from a fixed seed: with an intercept, x = (1, u), else x = (u,), u ~ N(0, 1),
    /// drawn from the model at <paramref name="trueBeta"/>.
    /// </summary>
    internal static LogisticRegressionDensity Simulate(int n, double[] trueBeta, bool intercept, int seed)
    {
        var random = new Random(seed);
        var x = new double[n][];
        var y = new int[n];
        for (int k = 0; k < n; k++)
        {
            double u = Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
            x[k] = intercept ? [1.0, u] : [u];
            double eta = 0;
            for (int i = 0; i < trueBeta.Length; i++)
            {
                eta += trueBeta[i] * x[k][i];
            }
            y[k] = random.NextDouble() < 1 / (1 + Math.Exp(-eta)) ? 1 : 0;
        }
        return new LogisticRegressionDensity(x, y);
    }

    public int Dimension => X[0].Length;

    public double Evaluate(ReadOnlySpan<double> z, Span<double> gradient)
    {
        int d = Dimension;
        double logp = 0;
        for (int i = 0; i < d; i++)
        {
            logp -= 0.5 * z[i] * z[i];
            gradient[i] = -z[i];
        }
        for (int k = 0; k < X.Length; k++)
        {
            var xk = X[k];
            double eta = 0;
            for (int i = 0; i < d; i++)
            {
                eta += z[i] * xk[i];
            }
            // log(1 + e^eta) without overflow.
            double softplus = eta > 0 ? eta + Math.Log(1 + Math.Exp(-eta)) : Math.Log(1 + Math.Exp(eta));
            logp += Y[k] * eta - softplus;
            double residual = Y[k] - 1 / (1 + Math.Exp(-eta));
            for (int i = 0; i < d; i++)
            {
                gradient[i] += residual * xk[i];
            }
        }
        return logp;
    }

    /// <summary>The log density alone.</summary>
    internal double LogDensity(ReadOnlySpan<double> z)
    {
        Span<double> scratch = stackalloc double[Dimension];
        return Evaluate(z, scratch);
    }

    public ILogDensity CreateWorker() => this;
}

/// <summary>
/// A standard normal truncated to z &gt; 0 in every coordinate, with log density -inf beyond the wall:
/// any trajectory that crosses it has an infinite energy error, so NUTS must report it as divergent.
/// </summary>
internal sealed class HalfNormalDensity(int dimension) : ILogDensity
{
    public int Dimension => dimension;

    public double Evaluate(ReadOnlySpan<double> z, Span<double> gradient)
    {
        double logp = 0;
        for (int i = 0; i < dimension; i++)
        {
            if (z[i] <= 0)
            {
                gradient.Clear();
                return double.NegativeInfinity;
            }
            logp -= 0.5 * z[i] * z[i];
            gradient[i] = -z[i];
        }
        return logp;
    }

    public ILogDensity CreateWorker() => this;
}

/// <summary>Wraps a density and records the first point each worker evaluates.</summary>
internal sealed class FirstPointRecorder(ILogDensity inner, List<double[]> firstPoints) : ILogDensity
{
    private bool _seen;

    public int Dimension => inner.Dimension;

    public double Evaluate(ReadOnlySpan<double> z, Span<double> gradient)
    {
        if (!_seen)
        {
            _seen = true;
            lock (firstPoints)
            {
                firstPoints.Add(z.ToArray());
            }
        }
        return inner.Evaluate(z, gradient);
    }

    public ILogDensity CreateWorker() => new FirstPointRecorder(inner.CreateWorker(), firstPoints);
}

/// <summary>Records the most evaluations in flight at once over all its workers (how many chains ran together).</summary>
internal sealed class ConcurrencyRecorder(ILogDensity inner) : ILogDensity
{
    private readonly Counter _counter = new();

    private ConcurrencyRecorder(ILogDensity inner, Counter counter) : this(inner) => _counter = counter;

    public int MostAtOnce => _counter.Most;

    public int Dimension => inner.Dimension;

    public double Evaluate(ReadOnlySpan<double> z, Span<double> gradient)
    {
        int now = Interlocked.Increment(ref _counter.Now);
        lock (_counter)
        {
            _counter.Most = Math.Max(_counter.Most, now);
        }
        try
        {
            return inner.Evaluate(z, gradient);
        }
        finally
        {
            Interlocked.Decrement(ref _counter.Now);
        }
    }

    public ILogDensity CreateWorker() => new ConcurrencyRecorder(inner.CreateWorker(), _counter);

    private sealed class Counter
    {
        public int Now;
        public int Most;
    }
}
