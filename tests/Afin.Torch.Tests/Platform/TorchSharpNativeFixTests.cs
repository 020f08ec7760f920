using Afin.Network;
using Afin.Platform;

namespace Afin.Tests.Platform;

/// <summary>How a failed load of TorchSharp reaches the user: TorchSharp's own words first, then what Afin checked.</summary>
[TestClass]
public sealed class TorchSharpNativeFixTests
{
    [TestMethod]
    public void AnotherFailureKeepsTorchSharpsMessageAndAddsWhatAfinChecked()
    {
        TorchRuntime.EnsureNativeLoaded();   // this process loads TorchSharp: Afin's resolver was asked and the load worked
        var failure = new TypeInitializationException("TorchSharp.torch", new NotSupportedException("TorchSharp's own explanation."));

        var explained = TorchSharpNativeFix.Explain(failure);

        Assert.StartsWith("TorchSharp's own explanation.", explained.Message);
        StringAssert.Contains(explained.Message, "Afin checked");
        Assert.AreSame(failure, explained.InnerException);
    }
}
