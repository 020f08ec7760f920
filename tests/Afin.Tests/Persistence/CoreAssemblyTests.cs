using Afin.Persistence;

namespace Afin.Tests.Persistence;

/// <summary>The core assembly, which every inference path runs in, is built without TorchSharp.</summary>
[TestClass]
public sealed class CoreAssemblyTests
{
    [TestMethod]
    public void AfinReferencesNeitherTorchSharpNorAfinTorch()
    {
        var references = typeof(AfinModel).Assembly.GetReferencedAssemblies().Select(a => a.Name).ToArray();
        CollectionAssert.Contains(references, "MathNet.Numerics", "the list is the assembly's real references");
        CollectionAssert.DoesNotContain(references, "TorchSharp");
        CollectionAssert.DoesNotContain(references, "Afin.Torch");
    }
}
