namespace Afin.Engine;

/// <summary>
/// The parameters of a state dict by name. The managed network takes each one it needs through <see cref="Take"/>,
/// which checks that it exists with the shape the architecture expects, so weights that do not belong to the recorded
/// options fail at load time with the parameter named, never as wrong numbers later.
/// </summary>
internal sealed class WeightSet
{
    private readonly IReadOnlyDictionary<string, WeightTensor> _tensors;

    public WeightSet(IReadOnlyDictionary<string, WeightTensor> tensors, string source)
    {
        _tensors = tensors;
        Source = source;
    }

    /// <summary>Where the weights came from, for messages.</summary>
    public string Source { get; }

    /// <summary>The parameter names, in no particular order.</summary>
    public IEnumerable<string> Names => _tensors.Keys;

    /// <summary>
    /// How many parameters the weights hold. A TorchSharp module registered both under its field's name (<c>_mlp</c>) and
    /// under another (<c>mlp</c>) is written twice; such an alias counts once, as <c>Module.parameters()</c> counts it.
    /// </summary>
    public long ParameterCount => _tensors.Where(t => !IsAlias(t.Key)).Sum(t => (long)t.Value.Values.Length);

    private bool IsAlias(string name) => name.Contains("._", StringComparison.Ordinal) && _tensors.ContainsKey(name.Replace("._", ".", StringComparison.Ordinal));

    /// <summary>The values of parameter <paramref name="name"/>, which must have exactly <paramref name="shape"/>.</summary>
    /// <exception cref="InvalidDataException">The parameter is missing or has another shape; the message names it and both shapes.</exception>
    public float[] Take(string name, params int[] shape)
    {
        if (!_tensors.TryGetValue(name, out var tensor))
        {
            throw new InvalidDataException($"{Source}: the weights lack parameter '{name}' (expected shape {WeightTensor.Describe(shape)}); they do not match the recorded network options");
        }
        if (!tensor.Shape.AsSpan().SequenceEqual(shape))
        {
            throw new InvalidDataException($"{Source}: parameter '{name}' has shape {tensor.ShapeText}, the recorded network options need {WeightTensor.Describe(shape)}");
        }
        return tensor.Values;
    }
}
