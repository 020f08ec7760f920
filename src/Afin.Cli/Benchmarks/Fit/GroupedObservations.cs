using Afin.Cli.Benchmarks.Real;
using Afin.MLNet;
using Afin.Modelling;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Afin.Cli.Benchmarks.Fit;

/// <summary>
/// One kind of the per-group suite as its user holds it: one row per observation with its group key (the problem's name),
/// then <see cref="ObservationGrouping.GroupObservations"/> to one problem row per group, exactly the ML.NET path of
/// the quickstart. Every group of a kind shares one likelihood family and prior.
/// </summary>
internal static class GroupedObservations
{
    /// <summary>The kind's problem rows; the group key column is <c>Group</c>.</summary>
    /// <exception cref="InvalidInputException">The kind mixes likelihood families or priors, which one grouping cannot state.</exception>
    internal static IDataView Problems(MLContext ml, IReadOnlyList<SuiteProblem> groups)
    {
        var first = groups[0].Problem;
        var family = SingleFamily(groups);
        int d = first.Dimension;
        var rows = groups.SelectMany(g => Rows(g.Name, (LinearBlock)g.Problem.Blocks[0])).ToArray();
        var schema = SchemaDefinition.Create(typeof(Observation));
        schema[nameof(Observation.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Double, d);
        var observations = ml.Data.LoadFromEnumerable(rows, schema);
        return ml.Data.GroupObservations(observations, Options(family, first.Prior));
    }

    private static string SingleFamily(IReadOnlyList<SuiteProblem> groups)
    {
        var families = groups.Select(g => string.Join("+", g.Problem.Blocks.Select(b => b.Family))).Distinct().ToArray();
        var priors = groups.Select(g => PriorKey(g.Problem.Prior)).Distinct().Count();
        if (families.Length != 1 || families[0].Contains('+') || families[0] == "direct_gaussian" || priors != 1)
        {
            throw new InvalidInputException($"bench fit: kind '{groups[0].Kind}' must have one linear likelihood family and one prior for all its groups, got [{string.Join(", ", families)}] and {priors} priors");
        }
        return families[0];
    }

    private static string PriorKey(Prior prior) => prior switch
    {
        GaussianPrior g => $"gaussian {string.Join(",", prior.Loc)} {string.Join(",", g.Scale)}",
        LaplacePrior l => $"laplace {string.Join(",", prior.Loc)} {string.Join(",", l.Scale)}",
        StudentTPrior t => $"student_t {string.Join(",", prior.Loc)} {string.Join(",", t.Scale)} {string.Join(",", t.Df)}",
        _ => prior.Family,
    };

    private static ObservationGroupingOptions Options(string family, Prior prior)
    {
        var options = new ObservationGroupingOptions
        {
            GroupColumn = nameof(Observation.Group),
            FeaturesColumn = nameof(Observation.Features),
            LabelColumn = nameof(Observation.Label),
            LikelihoodFamily = family,
            NoiseScaleColumn = family is "linear_gaussian" or "linear_student_t" ? nameof(Observation.NoiseScale) : null,
            DfColumn = family == "linear_student_t" ? nameof(Observation.Df) : null,
            TotalCountColumn = family == "binomial_logit" ? nameof(Observation.TotalCount) : null,
            OffsetColumn = family is "bernoulli_logit" or "binomial_logit" or "poisson_log" ? nameof(Observation.Offset) : null,
            PriorFamily = prior.Family,
            PriorLoc = prior.Loc,
        };
        return prior switch
        {
            GaussianPrior g => options with { PriorScale = g.Scale },
            LaplacePrior l => options with { PriorScale = l.Scale },
            StudentTPrior t => options with { PriorScale = t.Scale, PriorDf = t.Df },
            _ => throw new InvalidInputException($"bench fit: prior family '{prior.Family}' is not supported by the grouping"),
        };
    }

    private static IEnumerable<Observation> Rows(string group, LinearBlock block)
    {
        var x = block.X;
        for (int n = 0; n < block.Count; n++)
        {
            yield return new Observation
            {
                Group = group,
                Features = Enumerable.Range(0, x.GetLength(1)).Select(j => x[n, j]).ToArray(),
                Label = block.Y[n],
                NoiseScale = block switch { LinearGaussianBlock g => g.Sigma[n], LinearStudentTBlock t => t.Sigma[n], _ => 1 },
                Df = block is LinearStudentTBlock s ? s.Df[n] : 1,
                TotalCount = block is BinomialLogitBlock trials ? trials.TotalCount[n] : 1,
                Offset = block switch { BernoulliLogitBlock l => l.Offset[n], BinomialLogitBlock l => l.Offset[n], PoissonLogBlock p => p.Offset[n], _ => 0 },
            };
        }
    }

    /// <summary>One observation row.</summary>
    private sealed class Observation
    {
        public string Group { get; set; } = "";

        [VectorType]
        public double[] Features { get; set; } = [];

        public double Label { get; set; }

        public double NoiseScale { get; set; }

        public double Df { get; set; }

        public double TotalCount { get; set; }

        public double Offset { get; set; }
    }
}
