using System.Text.Json;
using System.Text.Json.Serialization;
using Afin.Persistence;

namespace Afin.Simulation;

/// <summary>JSON options of simulation-based file headers: as AFIN's, plus infinite numbers (an unbounded prior's support).</summary>
internal static class SimulationJson
{
    internal static readonly JsonSerializerOptions Options = new(AfinModel.HeaderJson)
    {
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };
}
