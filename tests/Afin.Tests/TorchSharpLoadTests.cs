using TorchSharp;
using static TorchSharp.torch;

namespace Afin.Tests;

[TestClass]
public sealed class TorchSharpLoadTests
{
    [TestMethod]
    public void TensorOpAndOptimiserStepRun()
    {
        var w = tensor(new float[] { 1f, 2f }).requires_grad_();
        var opt = optim.SGD(new[] { new TorchSharp.Modules.Parameter(w) }, 0.1);
        Assert.AreEqual(5f, (w * w).sum().item<float>(), 1e-6f);
    }
}
