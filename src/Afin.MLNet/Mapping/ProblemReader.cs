using Afin.Modelling;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Afin.MLNet.Mapping;

/// <summary>The raw values of one problem row, as read from the input columns.</summary>
internal sealed class RawProblem
{
    public string PriorFamily = "";
    public double[] PriorLoc = [];
    public double[]? PriorScale;
    public double[]? PriorPrecision;
    public double[]? PriorDf;
    public string[] LikelihoodFamily = [];
    public double[] X = [];
    public double[] Y = [];
    public double[]? NoiseScale;
    public double[]? Df;
    public double[]? TotalCount;
    public double[]? Offset;
    public double[]? Weight;
}

/// <summary>Reads the problem columns of a row (getters made once per row source) and builds the <see cref="BayesianProblem"/>.</summary>
internal sealed class ProblemReader
{
    private readonly AfinPosteriorOptions _options;
    private readonly Func<string[]>? _priorFamily;
    private readonly Func<string[]>? _likelihoodFamily;
    private readonly Func<double[]>? _loc, _scale, _precision, _priorDf, _x, _y, _noise, _df, _total, _offset, _weight;

    internal ProblemReader(DataViewRow row, AfinPosteriorOptions options, IReadOnlyDictionary<string, DataViewSchema.Column?> columns)
    {
        _options = options;
        Func<string[]>? Text(string role) => columns[role] is { } c ? TextGetter(row, c) : null;
        Func<double[]>? Numbers(string role) => columns[role] is { } c ? NumberGetter(row, c) : null;
        _priorFamily = Text("PriorFamily");
        _likelihoodFamily = Text("LikelihoodFamily");
        _loc = Numbers("PriorLoc");
        _scale = Numbers("PriorScale");
        _precision = Numbers("PriorPrecision");
        _priorDf = Numbers("PriorDf");
        _x = Numbers("X");
        _y = Numbers("Y");
        _noise = Numbers("NoiseScale");
        _df = Numbers("Df");
        _total = Numbers("TotalCount");
        _offset = Numbers("Offset");
        _weight = Numbers("Weight");
    }

    /// <summary>The input columns a problem needs (to activate on a cursor).</summary>
    internal static IEnumerable<DataViewSchema.Column> Needed(IReadOnlyDictionary<string, DataViewSchema.Column?> columns) =>
        columns.Values.Where(c => c is not null).Select(c => c!.Value);

    internal RawProblem Read()
    {
        var raw = new RawProblem
        {
            PriorFamily = _priorFamily is null ? _options.DefaultPriorFamily : (_priorFamily() is [var f] ? f : throw new ProblemValidationException("prior.family", "expected one prior family per row")),
            LikelihoodFamily = _likelihoodFamily is null ? [_options.DefaultLikelihoodFamily] : _likelihoodFamily(),
            PriorLoc = _loc!(),
            PriorScale = Empty(_scale?.Invoke()),
            PriorPrecision = Empty(_precision?.Invoke()),
            PriorDf = Empty(_priorDf?.Invoke()),
            X = _x?.Invoke() ?? [],
            Y = _y?.Invoke() ?? [],
            NoiseScale = Empty(_noise?.Invoke()),
            Df = Empty(_df?.Invoke()),
            TotalCount = Empty(_total?.Invoke()),
            Offset = Empty(_offset?.Invoke()),
            Weight = Empty(_weight?.Invoke()),
        };
        return raw;
    }

    private static double[]? Empty(double[]? values) => values is { Length: > 0 } ? values : null;

    /// <summary>
    /// Builds the problem of a row: N and d are inferred from the lengths (see docs/mlnet.md), or d is fixed by
    /// <paramref name="dimension"/> and every length is checked against it; sites are grouped into one block per family
    /// in order of first appearance.
    /// </summary>
    /// <exception cref="ProblemValidationException">The row does not describe a valid problem; the message says why.</exception>
    internal static BayesianProblem Build(RawProblem r, int? dimension)
    {
        var shape = RowShape.Infer(r, dimension);
        var prior = MakePrior(r, shape);
        // Offsets of each site's observations in Y.
        var yOffset = new int[shape.Sites];
        for (int i = 1; i < shape.Sites; i++)
        {
            yOffset[i] = yOffset[i - 1] + (shape.Direct[i - 1] ? shape.Dimension : 1);
        }
        var blocks = new List<ObservationBlock>();
        foreach (var family in shape.Families.Distinct())
        {
            var sites = Enumerable.Range(0, shape.Sites).Where(i => shape.Families[i] == family).ToArray();
            blocks.Add(MakeBlock(family, sites, r, shape, yOffset));
        }
        return BayesianProblem.Create(prior, blocks, shape.Dimension);
    }

    private static Prior MakePrior(RawProblem r, RowShape shape)
    {
        // Each vector the family uses is checked here, against the row's d and where it came from, so that a
        // disagreement names the column rather than the library's "prior" field.
        double[] Vector(double[]? v, string column)
        {
            if (v is null)
            {
                throw new ProblemValidationException(column, $"prior family {r.PriorFamily} needs column {column}");
            }
            if (v.Length != 1 && v.Length != shape.Dimension)
            {
                throw new ProblemValidationException(column, $"expected 1 or d = {shape.Dimension} values ({shape.DimensionSource}), got {v.Length}");
            }
            return v;
        }
        return r.PriorFamily switch
        {
            "gaussian" => new GaussianPrior(Vector(r.PriorLoc, "PriorLoc"), Vector(r.PriorScale, "PriorScale")),
            "laplace" => new LaplacePrior(Vector(r.PriorLoc, "PriorLoc"), Vector(r.PriorScale, "PriorScale")),
            "student_t" => new StudentTPrior(Vector(r.PriorLoc, "PriorLoc"), Vector(r.PriorScale, "PriorScale"), Vector(r.PriorDf, "PriorDf")),
            "full_rank_gaussian" => new FullRankGaussianPrior(Vector(r.PriorLoc, "PriorLoc"), Square(r.PriorPrecision, shape)),
            _ => throw new ProblemValidationException("PriorFamily", $"unknown prior family '{r.PriorFamily}'; expected one of gaussian, full_rank_gaussian, student_t, laplace"),
        };
    }

    private static ObservationBlock MakeBlock(string family, int[] sites, RawProblem r, RowShape shape, int[] yOffset)
    {
        int n = shape.Sites, d = shape.Dimension;
        double[] PerSite(double[]? v, string column)
        {
            if (v is null)
            {
                throw new ProblemValidationException(column, $"likelihood family {family} needs column {column}");
            }
            if (v.Length == 1)
            {
                return v;
            }
            if (v.Length != n)
            {
                throw new ProblemValidationException(column, $"expected length N = {n} or 1, got {v.Length}");
            }
            return sites.Select(i => v[i]).ToArray();
        }
        double[,] Design()
        {
            if (r.X.Length != n * d)
            {
                throw new ProblemValidationException("X", $"likelihood family {family} needs X with N*d = {n}*{d} = {n * d} values ({shape.DimensionSource}), got {r.X.Length}");
            }
            var x = new double[sites.Length, d];
            for (int k = 0; k < sites.Length; k++)
            {
                for (int j = 0; j < d; j++)
                {
                    x[k, j] = r.X[sites[k] * d + j];
                }
            }
            return x;
        }
        double[] Observed() => sites.Select(i => r.Y[yOffset[i]]).ToArray();
        var offset = r.Offset is null ? [0.0] : PerSite(r.Offset, "Offset");
        CheckOffsetTaken(family, sites, r.Offset);
        var weight = r.Weight is null ? null : PerSite(r.Weight, "Weight");
        if (weight is not null && family == "direct_gaussian")
        {
            throw new ProblemValidationException("Weight", "direct_gaussian sites take no weights (only the linear-predictor families do)");
        }
        return family switch
        {
            "linear_gaussian" => new LinearGaussianBlock(Design(), Observed(), PerSite(r.NoiseScale, "NoiseScale")) { Weight = weight },
            "linear_student_t" => new LinearStudentTBlock(Design(), Observed(), PerSite(r.NoiseScale, "NoiseScale"), PerSite(r.Df, "Df")) { Weight = weight },
            "bernoulli_logit" => new BernoulliLogitBlock(Design(), Observed(), offset) { Weight = weight },
            "binomial_logit" => new BinomialLogitBlock(Design(), Observed(), PerSite(r.TotalCount, "TotalCount"), offset) { Weight = weight },
            "poisson_log" => new PoissonLogBlock(Design(), Observed(), offset) { Weight = weight },
            "direct_gaussian" => new DirectGaussianBlock(DirectRows(sites, r.Y, d, yOffset), PerSite(r.NoiseScale, "NoiseScale")),
            _ => throw new ProblemValidationException("LikelihoodFamily", $"unknown likelihood family '{family}'; expected one of linear_gaussian, direct_gaussian, linear_student_t, bernoulli_logit, binomial_logit, poisson_log"),
        };
    }

    /// <summary>
    /// Only the logit and Poisson families' predictor takes an offset; a nonzero one at another family's site would be
    /// silently dropped, so it fails the row. Zeros pass, so that one Offset column can serve rows of every family.
    /// </summary>
    /// <param name="family">The block's family.</param>
    /// <param name="sites">The row's site indices of the block, to name the offending site.</param>
    /// <param name="offset">The row's Offset column (length N, or 1 for every site; its length is already checked); null when absent.</param>
    private static void CheckOffsetTaken(string family, int[] sites, double[]? offset)
    {
        // The logit and Poisson families take the offset; an unknown family is reported by the caller's switch.
        if (offset is null || family is not ("linear_gaussian" or "linear_student_t" or "direct_gaussian"))
        {
            return;
        }
        double At(int site) => offset[offset.Length == 1 ? 0 : site];
        int k = Array.FindIndex(sites, i => At(i) != 0);
        if (k < 0)
        {
            return;
        }
        string value = At(sites[k]).ToString("R", System.Globalization.CultureInfo.InvariantCulture);
        string where = offset.Length == 1 ? $"{value} for every site" : $"{value} at site {sites[k]}";
        throw new ProblemValidationException("Offset", $"likelihood family {family} takes no offset (only {OffsetFamilies.InWords} do), " +
            $"got {where}; for a linear family subtract the offset from Y instead");
    }

    private static double[,] DirectRows(int[] sites, double[] y, int d, int[] yOffset)
    {
        var rows = new double[sites.Length, d];
        for (int k = 0; k < sites.Length; k++)
        {
            for (int j = 0; j < d; j++)
            {
                rows[k, j] = y[yOffset[sites[k]] + j];
            }
        }
        return rows;
    }

    private static double[,] Square(double[]? values, RowShape shape)
    {
        int d = shape.Dimension;
        if (values is null)
        {
            throw new ProblemValidationException("PriorPrecision", "prior family full_rank_gaussian needs column PriorPrecision");
        }
        if (values.Length != d * d)
        {
            throw new ProblemValidationException("PriorPrecision", $"expected d*d = {d * d} values ({shape.DimensionSource}), got {values.Length}");
        }
        var m = new double[d, d];
        for (int i = 0; i < d; i++)
        {
            for (int j = 0; j < d; j++)
            {
                m[i, j] = values[i * d + j];
            }
        }
        return m;
    }

    private static Func<string[]> TextGetter(DataViewRow row, DataViewSchema.Column column)
    {
        if (column.Type is VectorDataViewType)
        {
            var getter = row.GetGetter<VBuffer<ReadOnlyMemory<char>>>(column);
            VBuffer<ReadOnlyMemory<char>> buffer = default;
            return () =>
            {
                getter(ref buffer);
                var result = new string[buffer.Length];
                int i = 0;
                foreach (var value in buffer.DenseValues())
                {
                    result[i++] = value.ToString().Trim();
                }
                return result;
            };
        }
        var scalar = row.GetGetter<ReadOnlyMemory<char>>(column);
        ReadOnlyMemory<char> text = default;
        return () =>
        {
            scalar(ref text);
            return [text.ToString().Trim()];
        };
    }

    private static Func<double[]> NumberGetter(DataViewRow row, DataViewSchema.Column column)
    {
        var itemType = column.Type is VectorDataViewType v ? v.ItemType : column.Type;
        bool vector = column.Type is VectorDataViewType;
        return itemType == NumberDataViewType.Single
            ? (vector ? VectorGetter<float>(row, column, x => x) : ScalarGetter<float>(row, column, x => x))
            : (vector ? VectorGetter<double>(row, column, x => x) : ScalarGetter<double>(row, column, x => x));
    }

    private static Func<double[]> VectorGetter<T>(DataViewRow row, DataViewSchema.Column column, Func<T, double> toDouble)
    {
        var getter = row.GetGetter<VBuffer<T>>(column);
        VBuffer<T> buffer = default;
        return () =>
        {
            getter(ref buffer);
            var result = new double[buffer.Length];
            int i = 0;
            foreach (var value in buffer.DenseValues())
            {
                result[i++] = toDouble(value);
            }
            return result;
        };
    }

    private static Func<double[]> ScalarGetter<T>(DataViewRow row, DataViewSchema.Column column, Func<T, double> toDouble)
    {
        var getter = row.GetGetter<T>(column);
        return () =>
        {
            T value = default!;
            getter(ref value);
            return [toDouble(value)];
        };
    }
}
