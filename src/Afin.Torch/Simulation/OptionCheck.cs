namespace Afin.Simulation;

/// <summary>The one range check of the simulation options records, so every message reads "Owner.Field = value; expected ...".</summary>
internal static class OptionCheck
{
    internal static void Require(bool condition, string owner, string field, object value, string expected)
    {
        if (!condition)
        {
            throw new ArgumentOutOfRangeException(field, value, $"{owner}.{field} = {value}; expected {expected}");
        }
    }
}
