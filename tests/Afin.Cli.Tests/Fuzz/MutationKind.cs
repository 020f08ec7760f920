namespace Afin.Fuzzing;

/// <summary>The kinds of change <see cref="ProblemMutator"/> makes to a valid problem, one per mutated document.</summary>
internal enum MutationKind
{
    /// <summary>One number becomes an extreme but finite one (±1e300, 5e-324, 1e155, ...), zero, or a literal that overflows a double.</summary>
    ExtremeNumber,

    /// <summary>Every number of one field is multiplied by a factor such as 1e150 or 1e-300: a unit mistake.</summary>
    ScaleField,

    /// <summary>One value becomes a value of another JSON type: a string, a boolean, null, an object, a nested array.</summary>
    WrongType,

    /// <summary>One property of an object is removed.</summary>
    RemoveField,

    /// <summary>An object gains a property, unknown or belonging to another family.</summary>
    ExtraField,

    /// <summary>One row of a matrix loses or gains an element.</summary>
    RaggedRow,

    /// <summary>One element of an array is removed.</summary>
    DropElement,

    /// <summary>One element of an array is duplicated.</summary>
    DuplicateElement,

    /// <summary>A field that must be positive (scale, sigma, df, total_count, d) becomes zero, negative or subnormal.</summary>
    NonPositive,

    /// <summary>A family name becomes another family's, or a misspelling.</summary>
    ChangeFamily,

    /// <summary>Every per-row field of one block is repeated until the block has thousands of rows: still a valid problem.</summary>
    HugeArray,

    /// <summary>The prior is replaced: a full-rank Gaussian with a valid, asymmetric, indefinite, singular, ill-conditioned or extreme precision, or another family.</summary>
    ChangePrior,

    /// <summary>The observations are dropped and <c>d</c> becomes huge (5000 to 2^31 - 1): a prior-only problem no dense method can hold.</summary>
    HugeDimension,

    /// <summary>The <c>d</c> field becomes another value: zero, negative, fractional, huge, off by one, a string.</summary>
    SetDimension,

    /// <summary>One observation of a count or label family becomes another number: out of range, fractional, beyond 2^53.</summary>
    LabelValue,

    /// <summary>The JSON text itself is damaged: cut short, a NaN literal, trailing garbage, a duplicate key.</summary>
    CorruptText,

    /// <summary>An array becomes empty.</summary>
    EmptyArray,

    /// <summary>A value is wrapped in an extra array, or a one-element array is unwrapped.</summary>
    Nesting,
}
