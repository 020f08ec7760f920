using Afin.Modelling;
using Afin.Training;

namespace Afin.MLNet;

/// <summary>
/// Options of <see cref="ObservationGrouping.GroupObservations"/>: which columns of an observation-level IDataView
/// (one row per observation) hold the group key, the features and the label, which likelihood family the
/// observations follow and which prior every group's latent vector gets.
/// </summary>
/// <remarks>
/// The latent vector z of a group has one coordinate per feature (plus one first, for the intercept, when
/// <see cref="AddIntercept"/> is set), so d = number of features (+1). The prior is the same for every group.
/// </remarks>
public sealed record ObservationGroupingOptions
{
    /// <summary>The group key: a scalar column of any primitive type (text, integer, floating point, boolean, key). It is passed through to the problem rows.</summary>
    public string GroupColumn { get; init; } = "Group";

    /// <summary>
    /// A numeric vector column (Single, Double, Int32, Int64 or Boolean items) holding each observation's design row x_n.
    /// Ignored when <see cref="FeatureColumns"/> is set.
    /// </summary>
    public string FeaturesColumn { get; init; } = "Features";

    /// <summary>Scalar (or vector) numeric columns concatenated, in this order, into each observation's design row; null: use <see cref="FeaturesColumn"/>.</summary>
    public IReadOnlyList<string>? FeatureColumns { get; init; }

    /// <summary>When true, a constant 1 is put before the features (the first coordinate of z is the intercept).</summary>
    public bool AddIntercept { get; init; }

    /// <summary>The observed value y_n: a scalar Single, Double, Int32, Int64 or Boolean column (0/1 for bernoulli_logit, successes for binomial_logit, counts for poisson_log).</summary>
    public string LabelColumn { get; init; } = "Label";

    /// <summary>The likelihood family of every observation: linear_gaussian (default), linear_student_t, bernoulli_logit, binomial_logit or poisson_log.</summary>
    public string LikelihoodFamily { get; init; } = "linear_gaussian";

    /// <summary>The noise scale sigma of linear_gaussian and linear_student_t observations, used when <see cref="NoiseScaleColumn"/> is null.</summary>
    public double NoiseScale { get; init; } = 1.0;

    /// <summary>A per-observation numeric column with the noise scale (overrides <see cref="NoiseScale"/>).</summary>
    public string? NoiseScaleColumn { get; init; }

    /// <summary>The degrees of freedom of linear_student_t observations, used when <see cref="DfColumn"/> is null.</summary>
    public double Df { get; init; } = 5.0;

    /// <summary>A per-observation numeric column with the degrees of freedom of linear_student_t observations.</summary>
    public string? DfColumn { get; init; }

    /// <summary>The number of trials of binomial_logit observations, used when <see cref="TotalCountColumn"/> is null.</summary>
    public double TotalCount { get; init; } = 1.0;

    /// <summary>A per-observation numeric column with the number of trials of binomial_logit observations.</summary>
    public string? TotalCountColumn { get; init; }

    /// <summary>
    /// A per-observation numeric column with a known offset added to the linear predictor (x_n . z + offset_n, e.g. a log
    /// exposure, the usual offset of poisson_log); bernoulli_logit, binomial_logit and poisson_log only. Null (the default):
    /// no offset and no Offset problem column.
    /// </summary>
    public string? OffsetColumn { get; init; }

    /// <summary>
    /// A per-observation numeric column of weights (>= 0; 2 counts the observation twice, 0 leaves it out). Null (the
    /// default): every observation counts once and no Weight problem column is written. Groups with weights are answered
    /// without the network (docs/mlnet.md).
    /// </summary>
    public string? WeightColumn { get; init; }

    /// <summary>The prior family of every group: gaussian (default), full_rank_gaussian, student_t or laplace.</summary>
    public string PriorFamily { get; init; } = "gaussian";

    /// <summary>The prior location, length d or 1 (broadcast).</summary>
    public IReadOnlyList<double> PriorLoc { get; init; } = [0.0];

    /// <summary>The prior scale, length d or 1 (gaussian, student_t, laplace).</summary>
    public IReadOnlyList<double> PriorScale { get; init; } = [1.0];

    /// <summary>The prior precision, d*d row-major (full_rank_gaussian only).</summary>
    public IReadOnlyList<double>? PriorPrecision { get; init; }

    /// <summary>The prior degrees of freedom, length d or 1 (student_t only).</summary>
    public IReadOnlyList<double> PriorDf { get; init; } = [5.0];

    /// <summary>Output: an Int32 column with each group's number of observations N.</summary>
    public string ObservationCountColumn { get; init; } = "ObservationCount";

    /// <summary>
    /// The names of the problem columns to write (PriorFamily, PriorLoc, X, Y, ...). Pass the same options to
    /// <see cref="AfinCatalog.AfinPosterior(Microsoft.ML.TransformsCatalog, AfinPosteriorOptions)"/> when you rename columns.
    /// </summary>
    public AfinPosteriorOptions ProblemColumns { get; init; } = new();

    /// <summary>Checks the options; throws <see cref="ArgumentException"/> naming the property.</summary>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(GroupColumn))
        {
            throw new ArgumentException($"{nameof(GroupColumn)}: expected a column name");
        }
        if (string.IsNullOrWhiteSpace(LabelColumn))
        {
            throw new ArgumentException($"{nameof(LabelColumn)}: expected a column name");
        }
        if (FeatureColumns is { Count: 0 } && !AddIntercept)
        {
            throw new ArgumentException($"{nameof(FeatureColumns)}: expected at least one column (or {nameof(AddIntercept)})");
        }
        if (FeatureColumns is null && string.IsNullOrWhiteSpace(FeaturesColumn))
        {
            throw new ArgumentException($"{nameof(FeaturesColumn)}: expected a column name (or set {nameof(FeatureColumns)})");
        }
        string[] families = ["linear_gaussian", "linear_student_t", "bernoulli_logit", "binomial_logit", "poisson_log"];
        if (!families.Contains(LikelihoodFamily))
        {
            throw new ArgumentException($"{nameof(LikelihoodFamily)}: expected one of {string.Join(", ", families)}, got '{LikelihoodFamily}' " +
                "(direct_gaussian observations have no design row; build those problem rows directly)");
        }
        if (OffsetColumn is not null && !OffsetFamilies.Contains(LikelihoodFamily))
        {
            throw new ArgumentException($"{nameof(OffsetColumn)}: only {OffsetFamilies.InWords} observations take an offset, got {LikelihoodFamily} " +
                "(for a linear family, subtract the offset from the label instead)");
        }
        if (!TaskDistribution.AllPriorFamilies.Contains(PriorFamily))
        {
            throw new ArgumentException($"{nameof(PriorFamily)}: expected one of {string.Join(", ", TaskDistribution.AllPriorFamilies)}, got '{PriorFamily}'");
        }
        if (PriorLoc is null || PriorLoc.Count == 0)
        {
            throw new ArgumentException($"{nameof(PriorLoc)}: expected length d or 1");
        }
        if (PriorFamily == "full_rank_gaussian" && PriorPrecision is not { Count: > 0 })
        {
            throw new ArgumentException($"{nameof(PriorPrecision)}: the full_rank_gaussian prior needs a d*d precision");
        }
        if (PriorFamily != "full_rank_gaussian" && PriorScale is not { Count: > 0 })
        {
            throw new ArgumentException($"{nameof(PriorScale)}: expected length d or 1");
        }
        if (PriorFamily == "student_t" && PriorDf is not { Count: > 0 })
        {
            throw new ArgumentException($"{nameof(PriorDf)}: expected length d or 1");
        }
        ArgumentNullException.ThrowIfNull(ProblemColumns, nameof(ProblemColumns));
        var written = WrittenColumns().ToList();
        if (written.Distinct().Count() != written.Count || written.Any(string.IsNullOrWhiteSpace))
        {
            throw new ArgumentException($"the group column, {nameof(ObservationCountColumn)} and the problem columns must have distinct, non-empty names; got {string.Join(", ", written)}");
        }
    }

    /// <summary>The names of the columns the grouped view has, in order.</summary>
    internal IEnumerable<string> WrittenColumns()
    {
        var c = ProblemColumns;
        yield return GroupColumn;
        yield return ObservationCountColumn;
        yield return c.PriorFamilyColumn;
        yield return c.PriorLocColumn;
        if (PriorFamily == "full_rank_gaussian")
        {
            yield return c.PriorPrecisionColumn;
        }
        else
        {
            yield return c.PriorScaleColumn;
        }
        if (PriorFamily == "student_t")
        {
            yield return c.PriorDfColumn;
        }
        yield return c.LikelihoodFamilyColumn;
        yield return c.XColumn;
        yield return c.YColumn;
        if (LikelihoodFamily is "linear_gaussian" or "linear_student_t")
        {
            yield return c.NoiseScaleColumn;
        }
        if (LikelihoodFamily == "linear_student_t")
        {
            yield return c.DfColumn;
        }
        if (LikelihoodFamily == "binomial_logit")
        {
            yield return c.TotalCountColumn;
        }
        if (OffsetColumn is not null)
        {
            yield return c.OffsetColumn;
        }
        if (WeightColumn is not null)
        {
            yield return c.WeightColumn;
        }
    }
}
