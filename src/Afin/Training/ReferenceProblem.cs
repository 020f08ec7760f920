using Afin.Modelling;

namespace Afin.Training;

/// <summary>
/// A problem with a trusted posterior summary (exact, or a long NUTS run), against which a network in training is scored
/// (<c>AfinTrainer.ReferenceProblems</c>).
/// </summary>
/// <param name="Name">A label for reports.</param>
/// <param name="Problem">The problem.</param>
/// <param name="Mean">The reference posterior mean, length d.</param>
/// <param name="Covariance">The reference posterior covariance, d x d.</param>
public sealed record ReferenceProblem(string Name, BayesianProblem Problem, double[] Mean, double[,] Covariance);
