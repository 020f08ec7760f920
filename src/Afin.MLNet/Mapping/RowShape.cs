using Afin.Modelling;

namespace Afin.MLNet.Mapping;

/// <summary>
/// The shape of one problem row: N sites, their families, which are direct_gaussian, and the dimension d together with
/// what fixed it, in words, so that every length error can say which d it expected and why.
/// </summary>
/// <param name="Sites">N.</param>
/// <param name="Dimension">d.</param>
/// <param name="DimensionSource">Where d came from, e.g. "d = 4, the Dimension option" or "d = 3 from X: 120 values for N = 40 sites".</param>
/// <param name="Families">The family of each site (a single family broadcast to all N).</param>
/// <param name="Direct">Whether each site is direct_gaussian (d values in Y).</param>
internal sealed record RowShape(int Sites, int Dimension, string DimensionSource, string[] Families, bool[] Direct)
{
    /// <summary>
    /// Infers N and d from the column lengths (docs/mlnet.md, "How d and N are inferred"); a <paramref name="fixedDimension"/>
    /// replaces the inference of d, and a row whose lengths need another d is rejected.
    /// </summary>
    /// <exception cref="ProblemValidationException">A length does not fit; the message names the column, the length and the d expected.</exception>
    internal static RowShape Infer(RawProblem r, int? fixedDimension)
    {
        if (r.LikelihoodFamily.Length == 0)
        {
            throw new ProblemValidationException("LikelihoodFamily", "expected at least one family (length N or 1)");
        }
        var prior = PriorDimension(r);
        (int D, string Source)? option = fixedDimension is { } f ? (f, $"d = {f}, the Dimension option") : null;
        return r.LikelihoodFamily.Length == 1 ? Broadcast(r, option, prior) : PerSite(r, option, prior);
    }

    /// <summary>One family for every site: N is the length of Y (or of Y / d for direct_gaussian).</summary>
    private static RowShape Broadcast(RawProblem r, (int D, string Source)? option, (int D, string Source)? prior)
    {
        string family = r.LikelihoodFamily[0];
        bool direct = family == "direct_gaussian";
        int n;
        (int D, string Source) d;
        if (direct)
        {
            d = option ?? prior ?? Default();
            if (r.Y.Length % d.D != 0)
            {
                throw new ProblemValidationException("Y", $"direct_gaussian: expected N*d values with {d.Source}, got {r.Y.Length}");
            }
            n = r.Y.Length / d.D;
        }
        else
        {
            n = r.Y.Length;
            d = Design(r, n, "the length of Y", option) ?? option ?? prior ?? Default();
        }
        return new RowShape(n, d.D, d.Source, Enumerable.Repeat(family, n).ToArray(), Enumerable.Repeat(direct, n).ToArray());
    }

    /// <summary>One family per site: N is the length of LikelihoodFamily and Y holds 1 value per site, d per direct_gaussian site.</summary>
    private static RowShape PerSite(RawProblem r, (int D, string Source)? option, (int D, string Source)? prior)
    {
        var families = r.LikelihoodFamily;
        int n = families.Length;
        var direct = families.Select(f => f == "direct_gaussian").ToArray();
        int nDirect = direct.Count(x => x);
        var d = Design(r, n, "the length of LikelihoodFamily", option) ?? option ?? prior ?? (nDirect == n ? DirectOnly(r, n) : Default());
        int expectedY = n - nDirect + nDirect * d.D;
        if (r.Y.Length != expectedY)
        {
            throw new ProblemValidationException("Y", $"expected {expectedY} values (one per site, d per direct_gaussian site, with {d.Source}), got {r.Y.Length}");
        }
        return new RowShape(n, d.D, d.Source, families, direct);
    }

    /// <summary>
    /// d from X (length N*d) when X and N are given: X's length / N, or checked against the Dimension option when it is set.
    /// Null when X or N is absent.
    /// </summary>
    private static (int D, string Source)? Design(RawProblem r, int n, string nSource, (int D, string Source)? option)
    {
        if (n == 0 || r.X.Length == 0)
        {
            return null;
        }
        if (option is { } k)
        {
            if (r.X.Length != n * k.D)
            {
                throw new ProblemValidationException("X", $"expected N*d = {n}*{k.D} = {n * k.D} values (N = {n}, {nSource}; {k.Source}), got {r.X.Length}");
            }
            return k;
        }
        if (r.X.Length % n != 0)
        {
            throw new ProblemValidationException("X", $"expected N*d values with N = {n} ({nSource}), got {r.X.Length}");
        }
        int d = r.X.Length / n;
        return (d, $"d = {d} from X: {r.X.Length} values for N = {n} sites");
    }

    /// <summary>A direct-only row with no d from the prior: Y holds N*d values.</summary>
    private static (int D, string Source) DirectOnly(RawProblem r, int n) => r.Y.Length % n == 0
        ? (r.Y.Length / n, $"d = {r.Y.Length / n} from Y: {r.Y.Length} values for N = {n} direct_gaussian sites")
        : throw new ProblemValidationException("Y", $"expected N*d values with N = {n} (the length of LikelihoodFamily), got {r.Y.Length}");

    private static (int D, string Source) Default() => (1, "d = 1, as nothing else fixes it (set the Dimension option or give PriorLoc d values)");

    /// <summary>d from the first prior vector longer than 1, or from PriorPrecision (d*d values); null when all broadcast.</summary>
    private static (int D, string Source)? PriorDimension(RawProblem r)
    {
        foreach (var (values, column) in new[] { (r.PriorLoc, "PriorLoc"), (r.PriorScale, "PriorScale"), (r.PriorDf, "PriorDf") })
        {
            if (values is { Length: > 1 })
            {
                return (values.Length, $"d = {values.Length} from {column}: {values.Length} values");
            }
        }
        if (r.PriorPrecision is { Length: > 0 } p)
        {
            int side = (int)Math.Round(Math.Sqrt(p.Length));
            if (side * side != p.Length)
            {
                throw new ProblemValidationException("PriorPrecision", $"expected d*d values, got {p.Length}");
            }
            return (side, $"d = {side} from PriorPrecision: {p.Length} values");
        }
        return null;
    }
}
