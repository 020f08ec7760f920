using Afin.Inference;
using Afin.Modelling;
using Afin.Prediction;
using Microsoft.Extensions.DependencyInjection;

namespace Afin.Extensions.DependencyInjection.Tests;

/// <summary>Predictions for new rows through the engine: from a fresh posterior, or from a result kept per group.</summary>
[TestClass]
public sealed class PredictionTests
{
    private static readonly double[,] X = { { 1, 0.3 }, { 1, -1.1 }, { 1, 0.8 }, { 1, 0.1 }, { 1, -0.4 }, { 1, 1.5 }, { 1, -0.9 }, { 1, 0.6 } };
    private static readonly BayesianProblem Problem = BayesianProblem.Create(new GaussianPrior(0, 1), [new BernoulliLogitBlock(X, [1, 0, 1, 0, 0, 1, 0, 1])]);
    private static readonly PredictionRows NewRows = new() { X = new double[,] { { 1, 0.2 }, { 1, -2.0 } } };

    [TestMethod]
    public async Task PredictAsyncPredictsFromTheModesPosterior()
    {
        using var provider = new ServiceCollection().AddAfinPosterior(o => o.Mode = InferenceMode.Laplace).BuildServiceProvider();
        var engine = provider.GetRequiredService<IAfinPosteriorEngine>();

        var set = await engine.PredictAsync(Problem, NewRows);

        var expected = PosteriorPredictive.Predict(AfinInference.RunLaplace(Problem), PredictiveLikelihood.Of(Problem), NewRows);
        CollectionAssert.AreEqual(expected.Predictions.ToArray(), set.Predictions.ToArray());
        Assert.IsTrue(set.Predictions[0].Probability > set.Predictions[1].Probability, "the second row's feature lowers the odds, as the data say");
    }

    [TestMethod]
    public void AKeptResultPredictsFromItsDrawsWhenItHasThem()
    {
        using var provider = new ServiceCollection().AddAfinPosterior(o => { o.Mode = InferenceMode.Laplace; o.SampleCount = 300; }).BuildServiceProvider();
        var result = provider.GetRequiredService<IAfinPosteriorEngine>().Infer(Problem);
        var likelihood = PredictiveLikelihood.Of(Problem);

        var fromResult = result.Predict(likelihood, NewRows);

        CollectionAssert.AreEqual(PosteriorPredictive.PredictFromDraws(result.Samples!, likelihood, NewRows).Predictions.ToArray(), fromResult.Predictions.ToArray());
        var fromMoments = PosteriorPredictive.Predict(result.Mean, result.Covariance, likelihood, NewRows);
        Assert.AreEqual(fromMoments.Predictions[0].Probability!.Value, fromResult.Predictions[0].Probability!.Value, 0.03, "300 draws of the same Gaussian");
    }
}
