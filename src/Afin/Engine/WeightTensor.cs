namespace Afin.Engine;

/// <summary>One float32 parameter of a state dict: its shape and its values in row-major order.</summary>
internal sealed record WeightTensor(int[] Shape, float[] Values)
{
    /// <summary>The shape as it is written in messages, e.g. [16, 48].</summary>
    public string ShapeText => Describe(Shape);

    /// <summary>A shape as it is written in messages.</summary>
    public static string Describe(IEnumerable<int> shape) => $"[{string.Join(", ", shape)}]";
}
