using Afin.Modelling;

namespace Afin.Canonical;

/// <summary>
/// The twin of a problem in u, where z = m + L u: every site keeps its family with design row Lᵀx and offset x·m added to
/// its own (absorbed into y for the Gaussian and Student-t families), and the prior follows the map as far as its
/// family allows (see <see cref="Prior(Prior, AffineMap, bool, List{ObservationBlock})"/>). The posterior of u is exactly
/// the pushforward of the posterior of z: the map's Jacobian is constant.
/// </summary>
internal static class CanonicalProblem
{
    /// <summary>The precision of the vague full-rank prior that stands for "no prior factor left" in u, per coordinate.</summary>
    internal const double VaguePrecision = 1e-10;

    /// <summary>
    /// The noise scale (σ, or the Laplace family's b) of every linear site in the twin. A site y ~ F((y - x·u) / σ) / σ is
    /// the same factor of u as c y ~ F((c y - c x·u) / (c σ)) / (c σ) for any c > 0, up to a constant, so the twin states
    /// each site at c = SiteNoiseScale / σ. The network then never sees the units of the user's y (σ = 2 or 1000 where
    /// every training task had σ in 0.45-1, which cost up to 0.8 posterior sd on conjugate regressions). 0.7 lies inside
    /// the noise scales every model was trained on. Student-t and Laplace prior coordinates turned into sites keep their
    /// scales: the realistic tasks train on those over a 1000-fold range, and restating them too was measured worse.
    /// </summary>
    internal const double SiteNoiseScale = 0.7;

    /// <summary>Builds the twin of <paramref name="problem"/> under <paramref name="map"/>; <paramref name="diagonal"/> says L is diagonal.</summary>
    internal static BayesianProblem Of(BayesianProblem problem, AffineMap map, bool diagonal)
    {
        var priorSites = new List<ObservationBlock>();
        var prior = Prior(problem.Prior, map, diagonal, priorSites);
        var kept = Enumerable.Range(0, problem.Blocks.Count).Where(i => problem.Blocks[i].Count > 0).ToArray();
        var blocks = kept.Select(i => Block(problem.Blocks[i], map)).Concat(priorSites);
        try
        {
            // Derived, not Create: the twin's numbers may lie beyond the limits on user input (a prior precision of 1e-302
            // in the whitened coordinates of a prior sd of 1e150) and still be sound.
            return BayesianProblem.CreateDerived(prior, blocks, problem.Dimension, problem.Name);
        }
        catch (ProblemValidationException e)
        {
            // Only a number that overflowed in the map can fail here; the message must name the user's factor it came
            // from, not a field of a twin the user never wrote.
            throw new ProblemValidationException(UserFactor(e.Path, kept),
                $"its numbers go beyond double arithmetic in the canonical (Laplace) coordinates the network is given ({e.Message}); rescale the problem");
        }
    }

    /// <summary>The user's factor behind a path of the twin: its blocks are the non-empty blocks, in order, then the prior's sites.</summary>
    private static string UserFactor(string twinPath, int[] kept)
    {
        var match = System.Text.RegularExpressions.Regex.Match(twinPath, @"^observations\[(\d+)\]");
        return match.Success && int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) is int k && k < kept.Length
            ? $"observations[{kept[k]}]"
            : "prior";
    }

    /// <summary>
    /// Location-scale priors under a diagonal map stay per coordinate: loc → (loc - m) / s, scale → scale / s. Under a
    /// full map a Gaussian prior becomes a full-rank Gaussian one with precision Lᵀ P L; Student-t and Laplace
    /// coordinates cannot stay axis-aligned, so each becomes a site of its family with row Lᵀe_j (added to
    /// <paramref name="sites"/>), and the prior in u is vague.
    /// </summary>
    private static Prior Prior(Prior prior, AffineMap map, bool diagonal, List<ObservationBlock> sites)
    {
        int d = map.Dimension;
        if (prior is FullRankGaussianPrior full)
        {
            return new FullRankGaussianPrior(CentredLocation(full.Loc, map), PrecisionInU(full.Precision, map));
        }
        if (diagonal)
        {
            var s = Enumerable.Range(0, d).Select(i => map.Linear[i * d + i]).ToArray();
            var loc = prior.Loc.Select((l, i) => (l - map.Shift[i]) / s[i]).ToArray();
            return prior switch
            {
                GaussianPrior g => new GaussianPrior(loc, Divide(g.Scale, s)),
                StudentTPrior t => new StudentTPrior(loc, Divide(t.Scale, s), t.Df),
                LaplacePrior l => new LaplacePrior(loc, Divide(l.Scale, s)),
                _ => throw Unsupported(prior),
            };
        }
        switch (prior)
        {
            case GaussianPrior g:
                var precision = new double[d, d];
                for (int i = 0; i < d; i++)
                {
                    precision[i, i] = 1 / (g.Scale[i] * g.Scale[i]);
                }
                return new FullRankGaussianPrior(CentredLocation(g.Loc, map), PrecisionInU(precision, map));
            case StudentTPrior t:
                sites.Add(new LinearStudentTBlock(CoordinateRows(map), Centred(t.Loc, map), t.Scale, t.Df));
                return Vague(d);
            case LaplacePrior l:
                sites.Add(new LinearLaplaceBlock(CoordinateRows(map), Centred(l.Loc, map), l.Scale));
                return Vague(d);
            default:
                throw Unsupported(prior);
        }
    }

    /// <summary>
    /// The prior precision in u, Lᵀ P L. Where the data pin a direction down far more tightly than the prior does (an x of
    /// 1e149 in one column), its smallest eigenvalues fall below double's resolution of its largest: positive definite in
    /// exact arithmetic, singular in double, and refused as a prior. A ridge of 1e-12 of its largest diagonal entry then
    /// restores it while moving the twin's posterior curvature, which is I in u (so Lᵀ P L is at most I), by at most
    /// 1e-12: far below the float32 resolution the network reads it at. A well-conditioned precision is left as it is.
    /// </summary>
    private static double[,] PrecisionInU(double[,] precision, AffineMap map)
    {
        var inU = map.Congruence(precision);
        if (FullRankGaussianPrior.LogDeterminantIfPositiveDefinite(inU) is not null)
        {
            return inU;
        }
        int d = map.Dimension;
        double largest = Enumerable.Range(0, d).Max(i => inU[i, i]);
        double ridge = 1e-12 * largest;
        for (int i = 0; i < d; i++)
        {
            inU[i, i] += ridge;
        }
        // A prior so weak that even its largest entry underflows says nothing in u: the vague prior stands for it.
        return FullRankGaussianPrior.LogDeterminantIfPositiveDefinite(inU) is not null ? inU : VaguePrecisionMatrix(d);
    }

    private static ObservationBlock Block(ObservationBlock block, AffineMap map)
    {
        if (block is DirectGaussianBlock direct)
        {
            return DirectAsSites(direct, map);
        }
        var linear = (LinearBlock)block;
        int n = linear.Count, d = map.Dimension;
        var x = new double[n, d];
        var shift = new double[n];
        for (int r = 0; r < n; r++)
        {
            var row = linear.Row(r);
            var mapped = map.TransposeTimes(row);
            for (int j = 0; j < d; j++)
            {
                x[r, j] = mapped[j];
            }
            shift[r] = map.ShiftOf(row);
        }
        // The location families (Gaussian, Student-t and Laplace noise) absorb the shift into y; the rest add it to their offsets.
        var y = Minus(linear.Y, shift);
        return linear switch
        {
            LinearGaussianBlock g => new LinearGaussianBlock(x, y, AtSiteNoiseScale(x, y, g.Sigma)) { Weight = g.Weight },
            LinearStudentTBlock t => new LinearStudentTBlock(x, y, AtSiteNoiseScale(x, y, t.Sigma), t.Df) { Weight = t.Weight },
            LinearLaplaceBlock l => new LinearLaplaceBlock(x, y, AtSiteNoiseScale(x, y, l.Scale)) { Weight = l.Weight },
            BernoulliLogitBlock b => new BernoulliLogitBlock(x, b.Y, Plus(b.Offset, shift)) { Weight = b.Weight },
            BinomialLogitBlock b => new BinomialLogitBlock(x, b.Y, b.TotalCount, Plus(b.Offset, shift)) { Weight = b.Weight },
            PoissonLogBlock p => new PoissonLogBlock(x, p.Y, Plus(p.Offset, shift)) { Weight = p.Weight },
            _ => throw new NotSupportedException($"canonical coordinates do not support the likelihood family '{block.Family}'."),
        };
    }

    /// <summary>y_n ~ N(z, σ_n² I) is d Gaussian sites per row, y_ni ~ N(e_i·z, σ_n²): in u, rows Lᵀe_i and targets y_ni - m_i.</summary>
    private static LinearGaussianBlock DirectAsSites(DirectGaussianBlock direct, AffineMap map)
    {
        int d = map.Dimension, rows = direct.Count;
        var coordinateRows = CoordinateRows(map);
        var x = new double[rows * d, d];
        var y = new double[rows * d];
        var sigma = new double[rows * d];
        for (int r = 0; r < rows; r++)
        {
            var observed = direct.Row(r);
            for (int i = 0; i < d; i++)
            {
                int site = r * d + i;
                for (int j = 0; j < d; j++)
                {
                    x[site, j] = coordinateRows[i, j];
                }
                y[site] = observed[i] - map.Shift[i];
                sigma[site] = direct.Sigma[r];
            }
        }
        return new LinearGaussianBlock(x, y, AtSiteNoiseScale(x, y, sigma));
    }

    /// <summary>
    /// Restates sites at <see cref="SiteNoiseScale"/>: scales each row of <paramref name="x"/> and each target in
    /// <paramref name="y"/> by SiteNoiseScale / σ in place, and returns the new noise scales (one per row).
    /// <paramref name="scale"/> has length 1 (broadcast) or one per row.
    /// </summary>
    private static double[] AtSiteNoiseScale(double[,] x, double[] y, double[] scale)
    {
        int rows = y.Length, d = x.GetLength(1);
        for (int r = 0; r < rows; r++)
        {
            double c = SiteNoiseScale / scale[scale.Length == 1 ? 0 : r];
            y[r] *= c;
            for (int j = 0; j < d; j++)
            {
                x[r, j] *= c;
            }
        }
        return Enumerable.Repeat(SiteNoiseScale, rows).ToArray();
    }

    /// <summary>Row j is Lᵀe_j: the design row of the coordinate z_j in u.</summary>
    private static double[,] CoordinateRows(AffineMap map)
    {
        int d = map.Dimension;
        var rows = new double[d, d];
        for (int i = 0; i < d; i++)
        {
            for (int j = 0; j < d; j++)
            {
                rows[i, j] = map.Linear[i * d + j];
            }
        }
        return rows;
    }

    private static FullRankGaussianPrior Vague(int d) => new(new double[d], VaguePrecisionMatrix(d));

    private static double[,] VaguePrecisionMatrix(int d)
    {
        var precision = new double[d, d];
        for (int i = 0; i < d; i++)
        {
            precision[i, i] = VaguePrecision;
        }
        return precision;
    }

    /// <summary>L⁻¹(loc - m): a prior's location in u.</summary>
    private static double[] CentredLocation(double[] loc, AffineMap map) => map.InverseTimes(Centred(loc, map));

    private static double[] Centred(double[] loc, AffineMap map) => loc.Select((l, i) => l - map.Shift[i]).ToArray();

    private static double[] Divide(double[] a, double[] b) => a.Select((v, i) => v / b[i]).ToArray();

    private static double[] Minus(double[] a, double[] b) => a.Select((v, i) => v - b[i]).ToArray();

    private static double[] Plus(double[] a, double[] b) => b.Select((v, i) => a[a.Length == 1 ? 0 : i] + v).ToArray();

    private static NotSupportedException Unsupported(Prior prior) =>
        new($"canonical coordinates do not support the prior family '{prior.Family}'.");
}
