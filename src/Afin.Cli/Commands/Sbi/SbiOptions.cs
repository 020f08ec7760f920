using System.CommandLine;

namespace Afin.Cli.Commands.Sbi;

/// <summary>Options shared by the <c>afin sbi</c> commands.</summary>
internal static class SbiOptions
{
    internal static Option<string> Simulator()
    {
        var option = new Option<string>("--simulator") { Description = BuiltInSimulators.Description, DefaultValueFactory = _ => BuiltInSimulators.GaussianProcessField };
        option.AcceptOnlyFromAmong(BuiltInSimulators.Names);
        return option;
    }
}
