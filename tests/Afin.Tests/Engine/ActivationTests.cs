using Afin.Engine;

namespace Afin.Tests.Engine;

[TestClass]
public sealed class ActivationTests
{
    /// <summary>The vectorised SiLU against the double-precision formula over the whole range activations take.</summary>
    [TestMethod]
    public void SiLUIsAccurateToAFewUlpsEverywhere()
    {
        var x = Enumerable.Range(0, 400_001).Select(i => -200f + i * 0.001f).Append(float.MaxValue).Append(-float.MaxValue).ToArray();
        var silu = (float[])x.Clone();
        Activations.SiLU(silu);
        var added = new float[x.Length];
        Activations.AddSiLU(x, added);
        for (int i = 0; i < x.Length; i++)
        {
            double exact = x[i] / (1 + Math.Exp(-(double)x[i]));
            double tolerance = 4e-7 * Math.Abs(exact) + 1e-30;
            Assert.AreEqual(exact, silu[i], tolerance, $"SiLU({x[i]})");
            Assert.AreEqual(silu[i], added[i], $"AddSiLU({x[i]}) onto zero");
        }
        float[] nan = [float.NaN, 1f, 2f, 3f, 4f, 5f, 6f, 7f, float.NaN];
        Activations.SiLU(nan);
        Assert.IsTrue(float.IsNaN(nan[0]) && float.IsNaN(nan[8]), "NaN stays NaN in the vector and the scalar paths");
    }

    [TestMethod]
    public void SoftmaxOfLargeScoresStaysFinite()
    {
        float[] scores = [1000f, 1001f, -1000f];
        Activations.Softmax(scores);
        Assert.AreEqual(1 / (1 + Math.E), scores[0], 1e-6);
        Assert.AreEqual(Math.E / (1 + Math.E), scores[1], 1e-6);
        Assert.AreEqual(0f, scores[2]);
    }
}
