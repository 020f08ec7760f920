namespace Afin.Metrics;

/// <summary>
/// A seeded stream of standard normal draws that is bit-for-bit identical on every machine and runtime: SplitMix64
/// (integer arithmetic only) feeds Marsaglia's polar method, whose logarithm is evaluated here with IEEE basic
/// operations only (+, -, *, /, sqrt are correctly rounded everywhere, unlike the platform libm behind Math.Log).
/// </summary>
internal sealed class ReproducibleNormal
{
    private const double Ln2 = 0.69314718055994530942;
    private const double Sqrt2 = 1.4142135623730950488;
    private ulong _state;
    private double? _spare;

    internal ReproducibleNormal(int seed)
    {
        _state = unchecked((ulong)(long)seed);
    }

    /// <summary>The next SplitMix64 output (Steele, Lea and Flood 2014).</summary>
    internal ulong NextUInt64()
    {
        unchecked
        {
            _state += 0x9E3779B97F4A7C15UL;
            ulong z = _state;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            return z ^ (z >> 31);
        }
    }

    /// <summary>A uniform draw from [0, 1) on the 2^-53 grid.</summary>
    internal double NextUniform() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>The next standard normal draw (Marsaglia polar method; draws come in pairs).</summary>
    internal double NextStandardNormal()
    {
        if (_spare is double spare)
        {
            _spare = null;
            return spare;
        }
        double u, v, s;
        do
        {
            u = 2 * NextUniform() - 1;
            v = 2 * NextUniform() - 1;
            s = u * u + v * v;
        }
        while (s >= 1 || s == 0);
        double factor = Math.Sqrt(-2 * Log(s) / s);
        _spare = v * factor;
        return u * factor;
    }

    /// <summary>
    /// Natural logarithm of a positive normal (non-subnormal) double using only basic IEEE operations:
    /// x = m 2^e with m in [sqrt(1/2), sqrt(2)), ln m = 2 atanh(t), t = (m - 1) / (m + 1), |t| &lt; 0.172, by a fixed
    /// 14-term series (truncation error below 1e-20). Accurate to a few ulps, and identical on every machine.
    /// </summary>
    internal static double Log(double x)
    {
        long bits = BitConverter.DoubleToInt64Bits(x);
        int e = (int)((bits >> 52) & 0x7FF) - 1023;
        double m = BitConverter.Int64BitsToDouble((bits & 0x000FFFFFFFFFFFFFL) | 0x3FF0000000000000L);
        if (m >= Sqrt2)
        {
            m *= 0.5;
            e++;
        }
        double t = (m - 1) / (m + 1);
        double t2 = t * t;
        double series = 0;
        for (int k = 27; k >= 1; k -= 2)
        {
            series = series * t2 + 1.0 / k;
        }
        return e * Ln2 + 2 * t * series;
    }
}
