using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Afin.References;

/// <summary>
/// The O(d) loops of a NUTS trajectory, vectorised four doubles at a time.
/// </summary>
/// <remarks>
/// <para>
/// The fixed 4-lane <see cref="Vector256{T}"/> is used on every machine (emulated where it is not
/// accelerated) rather than the machine-width <c>Vector&lt;T&gt;</c>, and reductions combine their
/// lanes in a fixed order. Sums therefore round the same way whatever the processor's vector width,
/// so the draws of a seed do not depend on it (only the platform's exp and log, which may differ in
/// the last bit between operating systems, could still make them differ).
/// </para>
/// <para>
/// The kernels are compiled fully optimised at once (no tiering): even a short run spends nearly
/// all its time in them, and their tier-0 code is several times slower.
/// </para>
/// </remarks>
internal static class NutsKernels
{
    /// <summary>Half kick then drift: p += halfEpsilon * g; q += epsilon * M^-1 p.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void KickDrift(Span<double> q, Span<double> p, ReadOnlySpan<double> g, ReadOnlySpan<double> inverseMetric,
        double halfEpsilon, double epsilon)
    {
        int n = q.Length;
        Debug.Assert(p.Length == n && g.Length == n && inverseMetric.Length == n);
        ref double rq = ref MemoryMarshal.GetReference(q);
        ref double rp = ref MemoryMarshal.GetReference(p);
        ref double rg = ref MemoryMarshal.GetReference(g);
        ref double rm = ref MemoryMarshal.GetReference(inverseMetric);
        var vHalf = Vector256.Create(halfEpsilon);
        var vEps = Vector256.Create(epsilon);
        int i = 0;
        for (; i <= n - 4; i += 4)
        {
            nuint k = (nuint)i;
            var pv = Vector256.LoadUnsafe(ref rp, k) + vHalf * Vector256.LoadUnsafe(ref rg, k);
            pv.StoreUnsafe(ref rp, k);
            (Vector256.LoadUnsafe(ref rq, k) + vEps * Vector256.LoadUnsafe(ref rm, k) * pv).StoreUnsafe(ref rq, k);
        }
        for (; i < n; i++)
        {
            double pi = p[i] + halfEpsilon * g[i];
            p[i] = pi;
            q[i] += epsilon * inverseMetric[i] * pi;
        }
    }

    /// <summary>y += alpha * x.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void AddScaled(Span<double> y, double alpha, ReadOnlySpan<double> x)
    {
        int n = y.Length;
        Debug.Assert(x.Length == n);
        ref double ry = ref MemoryMarshal.GetReference(y);
        ref double rx = ref MemoryMarshal.GetReference(x);
        var va = Vector256.Create(alpha);
        int i = 0;
        for (; i <= n - 4; i += 4)
        {
            nuint k = (nuint)i;
            (Vector256.LoadUnsafe(ref ry, k) + va * Vector256.LoadUnsafe(ref rx, k)).StoreUnsafe(ref ry, k);
        }
        for (; i < n; i++)
        {
            y[i] += alpha * x[i];
        }
    }

    /// <summary>y += x.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void Add(Span<double> y, ReadOnlySpan<double> x)
    {
        int n = y.Length;
        Debug.Assert(x.Length == n);
        ref double ry = ref MemoryMarshal.GetReference(y);
        ref double rx = ref MemoryMarshal.GetReference(x);
        int i = 0;
        for (; i <= n - 4; i += 4)
        {
            nuint k = (nuint)i;
            (Vector256.LoadUnsafe(ref ry, k) + Vector256.LoadUnsafe(ref rx, k)).StoreUnsafe(ref ry, k);
        }
        for (; i < n; i++)
        {
            y[i] += x[i];
        }
    }

    /// <summary>p' M^-1 p, twice the kinetic energy.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static double QuadraticForm(ReadOnlySpan<double> p, ReadOnlySpan<double> inverseMetric)
    {
        int n = p.Length;
        Debug.Assert(inverseMetric.Length == n);
        ref double rp = ref MemoryMarshal.GetReference(p);
        ref double rm = ref MemoryMarshal.GetReference(inverseMetric);
        var acc = Vector256<double>.Zero;
        int i = 0;
        for (; i <= n - 4; i += 4)
        {
            nuint k = (nuint)i;
            var pv = Vector256.LoadUnsafe(ref rp, k);
            acc += Vector256.LoadUnsafe(ref rm, k) * pv * pv;
        }
        double sum = HorizontalSum(acc);
        for (; i < n; i++)
        {
            sum += inverseMetric[i] * p[i] * p[i];
        }
        return sum;
    }

    /// <summary>
    /// Adds rho_A + rho_B to <paramref name="rho"/> and evaluates the generalised no-U-turn criterion
    /// for two adjacent half-trajectories A (first) and B (second), in one pass.
    /// </summary>
    /// <remarks>
    /// Criterion(a, b, r) holds when (M^-1 a) . r &gt; 0 and (M^-1 b) . r &gt; 0: neither end of the
    /// stretch summarised by r has turned back on it. Checked are the merged trajectory,
    /// rho_A + rho_B, between its outer ends; rho_A extended by the first state of B, between the
    /// outer end of A and that state; and rho_B extended by the last state of A, between that state
    /// and the outer end of B (the seam checks Stan added in 2.26).
    /// </remarks>
    /// <returns>True when all six inner products are positive (the trajectory may keep growing).</returns>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static bool MergeAndCheck(Span<double> rho, ReadOnlySpan<double> rhoA, ReadOnlySpan<double> rhoB,
        ReadOnlySpan<double> inverseMetric, ReadOnlySpan<double> pOuterA, ReadOnlySpan<double> pInnerA,
        ReadOnlySpan<double> pInnerB, ReadOnlySpan<double> pOuterB)
    {
        int n = rho.Length;
        Debug.Assert(rhoA.Length == n && rhoB.Length == n && inverseMetric.Length == n
            && pOuterA.Length == n && pInnerA.Length == n && pInnerB.Length == n && pOuterB.Length == n);
        ref double rRho = ref MemoryMarshal.GetReference(rho);
        ref double rA = ref MemoryMarshal.GetReference(rhoA);
        ref double rB = ref MemoryMarshal.GetReference(rhoB);
        ref double rM = ref MemoryMarshal.GetReference(inverseMetric);
        ref double rOutA = ref MemoryMarshal.GetReference(pOuterA);
        ref double rInA = ref MemoryMarshal.GetReference(pInnerA);
        ref double rInB = ref MemoryMarshal.GetReference(pInnerB);
        ref double rOutB = ref MemoryMarshal.GetReference(pOuterB);
        Vector256<double> outerA = default, outerB = default, seamA0 = default, seamA1 = default, seamB0 = default, seamB1 = default;
        int i = 0;
        for (; i <= n - 4; i += 4)
        {
            nuint k = (nuint)i;
            var a = Vector256.LoadUnsafe(ref rA, k);
            var b = Vector256.LoadUnsafe(ref rB, k);
            var m = Vector256.LoadUnsafe(ref rM, k);
            var sharpOuterA = m * Vector256.LoadUnsafe(ref rOutA, k);
            var sharpOuterB = m * Vector256.LoadUnsafe(ref rOutB, k);
            var innerA = Vector256.LoadUnsafe(ref rInA, k);
            var innerB = Vector256.LoadUnsafe(ref rInB, k);
            var merged = a + b;
            (Vector256.LoadUnsafe(ref rRho, k) + merged).StoreUnsafe(ref rRho, k);
            outerA += sharpOuterA * merged;
            outerB += sharpOuterB * merged;
            var extendedA = a + innerB;
            seamA0 += sharpOuterA * extendedA;
            seamA1 += m * innerB * extendedA;
            var extendedB = b + innerA;
            seamB0 += m * innerA * extendedB;
            seamB1 += sharpOuterB * extendedB;
        }
        double sOuterA = HorizontalSum(outerA), sOuterB = HorizontalSum(outerB);
        double sSeamA0 = HorizontalSum(seamA0), sSeamA1 = HorizontalSum(seamA1);
        double sSeamB0 = HorizontalSum(seamB0), sSeamB1 = HorizontalSum(seamB1);
        for (; i < n; i++)
        {
            double a = rhoA[i], b = rhoB[i], m = inverseMetric[i];
            double sharpOuterA = m * pOuterA[i], sharpOuterB = m * pOuterB[i];
            double merged = a + b;
            rho[i] += merged;
            sOuterA += sharpOuterA * merged;
            sOuterB += sharpOuterB * merged;
            double extendedA = a + pInnerB[i];
            sSeamA0 += sharpOuterA * extendedA;
            sSeamA1 += m * pInnerB[i] * extendedA;
            double extendedB = b + pInnerA[i];
            sSeamB0 += m * pInnerA[i] * extendedB;
            sSeamB1 += sharpOuterB * extendedB;
        }
        return sOuterA > 0 && sOuterB > 0 && sSeamA0 > 0 && sSeamA1 > 0 && sSeamB0 > 0 && sSeamB1 > 0;
    }

    /// <summary>The lanes summed in a fixed order, so the result does not depend on the hardware.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static double HorizontalSum(Vector256<double> v) =>
        (v.GetElement(0) + v.GetElement(1)) + (v.GetElement(2) + v.GetElement(3));
}
