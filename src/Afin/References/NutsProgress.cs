namespace Afin.References;

/// <summary>A progress report from one chain of a <see cref="NutsSampler"/> run.</summary>
/// <param name="Chain">The chain index, 0-based.</param>
/// <param name="Iteration">Iterations this chain has completed, warmup included (1 to <paramref name="TotalIterations"/>).</param>
/// <param name="TotalIterations">Warmup plus draws: the chain's iteration count when done.</param>
/// <param name="IsWarmup">Whether the iteration just completed was a warmup iteration.</param>
public readonly record struct NutsProgress(int Chain, int Iteration, int TotalIterations, bool IsWarmup);
