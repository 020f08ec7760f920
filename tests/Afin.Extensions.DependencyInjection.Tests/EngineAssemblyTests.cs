namespace Afin.Extensions.DependencyInjection.Tests;

/// <summary>A service that only infers through the DI engine ships no TorchSharp.</summary>
[TestClass]
public sealed class EngineAssemblyTests
{
    [TestMethod]
    public void DependencyInjectionReferencesNeitherTorchSharpNorAfinTorch()
    {
        var references = typeof(AfinPosteriorEngine).Assembly.GetReferencedAssemblies().Select(a => a.Name).ToArray();
        CollectionAssert.Contains(references, "Afin");
        CollectionAssert.DoesNotContain(references, "TorchSharp");
        CollectionAssert.DoesNotContain(references, "Afin.Torch");
    }
}
