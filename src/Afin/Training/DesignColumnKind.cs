namespace Afin.Training;

/// <summary>What a column of a user-like task's design holds.</summary>
public enum DesignColumnKind
{
    /// <summary>A continuous feature, standardised or raw (unequal scale and location).</summary>
    Continuous,

    /// <summary>A column of ones.</summary>
    Intercept,

    /// <summary>A 0/1 indicator.</summary>
    Binary,

    /// <summary>A 0/1 dummy of one level of a dummy-coded categorical feature (the baseline level has no column).</summary>
    OneHot,

    /// <summary>A count: a non-negative integer.</summary>
    Count,
}
