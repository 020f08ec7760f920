using Afin.Inference;
using Afin.Network;
using Afin.Persistence;
using Afin.References;
using Afin.Tests.Correction;

namespace Afin.Tests.Inference;

/// <summary>
/// How Auto and Corrected choose their importance proposal and when they accept its answer, with AFIN posteriors placed
/// by hand (good, shifted, too narrow) on a d = 2 logistic regression whose exact moments come from quadrature.
/// </summary>
[TestClass]
public sealed class ProposalChoiceTests
{
    private static AfinModel _model = null!;

    public TestContext TestContext { get; set; } = null!;

    [ClassInitialize]
    public static void LoadModel(TestContext context) => _model = AfinModel.LoadDefault();

    [TestMethod]
    public void GoodAfinPosteriorIsUsedAloneWithoutTryingOtherProposals()
    {
        var problem = InferenceTestKit.SmallLogistic(1);
        var (mean, sd) = InferenceTestKit.GridMoments(problem);
        var outcome = Decide(problem, InferenceTestKit.Placed(mean, sd, shiftInSd: 0, scale: 1.1), InferenceMode.Corrected);

        Assert.AreEqual(ImportanceProposal.Afin, outcome.Proposal, outcome.Reason);
        Assert.HasCount(1, outcome.ProposalTrials);
        Assert.IsNull(outcome.Laplace, "the Laplace approximation is computed only when AFIN alone is not accepted");
        Assert.IsLessThanOrEqualTo(0.05, outcome.MonteCarloError);
        Assert.IsLessThan(0.1, InferenceTestKit.MeanError(outcome.Mean, mean, sd));
    }

    [TestMethod]
    public void ShiftedAfinPosteriorGivesWayToTheLaplaceTOrTheMixture()
    {
        var problem = InferenceTestKit.SmallLogistic(2);
        var (mean, sd) = InferenceTestKit.GridMoments(problem);
        var outcome = Decide(problem, InferenceTestKit.Placed(mean, sd, shiftInSd: 3, scale: 0.5), InferenceMode.Corrected);

        Assert.AreNotEqual(ImportanceProposal.Afin, outcome.Proposal, outcome.Reason);
        CollectionAssert.AreEqual(new[] { ImportanceProposal.Afin, ImportanceProposal.LaplaceStudentT, ImportanceProposal.Mixture },
            outcome.ProposalTrials.Take(3).Select(t => t.Proposal).ToArray());
        Assert.IsGreaterThan(0.7, outcome.ProposalTrials[0].ParetoK, "a narrow q three sds off has unbounded ratios");
        Assert.IsNotNull(outcome.Laplace);
        StringAssert.Contains(outcome.Reason, "tried afin (k-hat");
        Assert.IsLessThan(0.1, InferenceTestKit.MeanError(outcome.Mean, mean, sd));
    }

    [TestMethod]
    public void AutoAcceptsTheBestProposalInsteadOfRunningNuts()
    {
        var problem = InferenceTestKit.SmallLogistic(3);
        var (mean, sd) = InferenceTestKit.GridMoments(problem);
        var outcome = Decide(problem, InferenceTestKit.Placed(mean, sd, shiftInSd: 3, scale: 0.5), InferenceMode.Auto, InferenceTestKit.QuickNuts);
        TestContext.WriteLine(outcome.Reason);

        Assert.AreEqual(InferenceMethod.ImportanceSampling, outcome.Method, outcome.Reason);
        Assert.IsNull(outcome.Nuts);
        StringAssert.StartsWith(outcome.Reason, "Auto: the importance-sampling answer from the ");
        Assert.IsLessThanOrEqualTo(0.05, outcome.MonteCarloError);
        Assert.IsLessThan(0.1, InferenceTestKit.MeanError(outcome.Mean, mean, sd));
    }

    [TestMethod]
    public void ReliableButTooFewWeightsAreMultipliedUntilTheMonteCarloErrorMeetsTheBar()
    {
        var problem = InferenceTestKit.SmallLogistic(4);
        var (mean, sd) = InferenceTestKit.GridMoments(problem);
        // A q twice as wide: bounded ratios (k-hat low) but only about a third of the draws count.
        var options = new AutoInferenceOptions { ProposalDraws = 200, MaxMonteCarloError = 0.03 };
        var outcome = Decide(problem, InferenceTestKit.Placed(mean, sd, shiftInSd: 0, scale: 2), InferenceMode.Auto, options);
        TestContext.WriteLine(outcome.Reason);

        Assert.AreEqual(InferenceMethod.ImportanceSampling, outcome.Method, outcome.Reason);
        Assert.IsGreaterThan(400, outcome.ImportanceSampling!.DrawCount, "more draws than the first 200 (pooled 400 for the mixture)");
        Assert.IsLessThanOrEqualTo(0.03, outcome.MonteCarloError);
        Assert.IsLessThanOrEqualTo(options.MaxProposalDraws, outcome.ProposalTrials.Max(t => t.Draws));
        Assert.IsLessThan(0.1, InferenceTestKit.MeanError(outcome.Mean, mean, sd));
    }

    [TestMethod]
    public void AutoRunsNutsWhenTheMonteCarloErrorCannotMeetTheBarWithinTheDrawCap()
    {
        var problem = InferenceTestKit.SmallLogistic(5);
        var (mean, sd) = InferenceTestKit.GridMoments(problem);
        var options = InferenceTestKit.QuickNuts with { MaxMonteCarloError = 1e-4 };
        var outcome = Decide(problem, InferenceTestKit.Placed(mean, sd, shiftInSd: 0, scale: 1.1), InferenceMode.Auto, options);

        Assert.AreEqual(InferenceMethod.Nuts, outcome.Method, outcome.Reason);
        StringAssert.Contains(outcome.Reason, "Monte Carlo error <= 0.000 sd within 16000 draws");
        StringAssert.Contains(outcome.Reason, "started at the AFIN mean");
        Assert.IsLessThan(0.3, InferenceTestKit.MeanError(outcome.Mean, mean, sd));

        var corrected = Decide(problem, InferenceTestKit.Placed(mean, sd, shiftInSd: 0, scale: 1.1), InferenceMode.Corrected, options);
        Assert.AreEqual(InferenceMethod.ImportanceSampling, corrected.Method);
        StringAssert.Contains(corrected.Reason, "warning: the Monte Carlo error reaches");
    }

    [TestMethod]
    public void MonteCarloErrorAndProposalAreReported()
    {
        var problem = InferenceTestKit.SmallLogistic(6);
        var (mean, sd) = InferenceTestKit.GridMoments(problem);
        var outcome = Decide(problem, InferenceTestKit.Placed(mean, sd, shiftInSd: 3, scale: 0.5), InferenceMode.Corrected);
        var chosen = outcome.ProposalTrials.Last(t => t.Proposal == outcome.Proposal);

        Assert.AreEqual(outcome.ImportanceSampling!.MaxRelativeMonteCarloError, outcome.MonteCarloError);
        Assert.AreEqual(chosen.MaxRelativeMonteCarloError, outcome.MonteCarloError);
        Assert.AreEqual(chosen.ParetoK, outcome.ParetoK);
        Assert.AreEqual(outcome.ImportanceSampling.DrawCount, chosen.Draws);
    }

    private static InferenceOutcome Decide(Afin.Modelling.BayesianProblem problem, AfinPosterior q, InferenceMode mode, AutoInferenceOptions? options = null) =>
        AfinInference.Decide(_model, problem, q, mode, options);
}
