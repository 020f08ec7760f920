namespace Afin.Tests;

[TestClass]
public static class TestAssemblySetup
{
    /// <summary>Reproducible MKL before any test touches a tensor, whatever the test order.</summary>
    [AssemblyInitialize]
    public static void Initialize(TestContext context) => Afin.Network.TorchRuntime.EnsureReproducible();
}
