using Afin.References;

namespace Afin.Cli.Comparison;

/// <summary>How many draws each method makes, and the seed they share.</summary>
/// <param name="Draws">Draws from AFIN and its importance-sampling correction (and of the exact posterior, for the sample-based metrics).</param>
/// <param name="Seed">Seeds every random choice; the same seed gives the same comparison.</param>
/// <param name="Nuts">The NUTS run (its seed is replaced by <paramref name="Seed"/>).</param>
internal sealed record ComparisonSettings(int Draws, int Seed, NutsOptions Nuts);
