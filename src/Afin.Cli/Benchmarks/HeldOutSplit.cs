using System.Globalization;
using Afin.Modelling;
using Afin.Prediction;

namespace Afin.Cli.Benchmarks;

/// <summary>
/// A real logistic regression for held-out prediction: the Wisconsin diagnostic breast-cancer data (embedded; see
/// benchmarks/wdbc/README.md) split 70/30 by a seed, features standardised with the training rows' statistics, an
/// intercept, prior N(0, 1); y = 1 for malignant.
/// </summary>
internal sealed record HeldOutSplit(BayesianProblem Training, PredictionRows Test, int TrainingRows, int Features)
{
    internal static HeldOutSplit Breast(int seed = 1)
    {
        using var stream = typeof(HeldOutSplit).Assembly.GetManifestResourceStream("wdbc.data")
            ?? throw new InvalidOperationException("the WDBC data set is not embedded in Afin.Cli");
        using var reader = new StreamReader(stream);
        var rows = reader.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Trim().Split(','))
            .Select(f => (Y: f[1] == "M" ? 1.0 : 0.0, X: f.Skip(2).Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray()))
            .ToArray();
        var order = Enumerable.Range(0, rows.Length).ToArray();
        new Random(seed).Shuffle(order);
        int trainCount = (int)Math.Round(0.7 * rows.Length);
        var train = order.Take(trainCount).Select(i => rows[i]).ToArray();
        var test = order.Skip(trainCount).Select(i => rows[i]).ToArray();
        int p = rows[0].X.Length;
        var mean = Enumerable.Range(0, p).Select(j => train.Average(r => r.X[j])).ToArray();
        var sd = Enumerable.Range(0, p).Select(j => Math.Sqrt(train.Average(r => (r.X[j] - mean[j]) * (r.X[j] - mean[j])))).ToArray();
        double[,] Design((double Y, double[] X)[] part)
        {
            var x = new double[part.Length, p + 1];
            for (int i = 0; i < part.Length; i++)
            {
                x[i, 0] = 1;
                for (int j = 0; j < p; j++)
                {
                    x[i, j + 1] = (part[i].X[j] - mean[j]) / sd[j];
                }
            }
            return x;
        }
        var problem = BayesianProblem.Create(new GaussianPrior(0, 1), [new BernoulliLogitBlock(Design(train), train.Select(r => r.Y).ToArray())]);
        return new HeldOutSplit(problem, new PredictionRows { X = Design(test), Y = test.Select(r => r.Y).ToArray() }, train.Length, p);
    }
}
