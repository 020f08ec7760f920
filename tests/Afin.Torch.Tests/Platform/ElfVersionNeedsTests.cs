using Afin.Platform;

namespace Afin.Tests.Platform;

/// <summary>
/// The ELF reading and patching shared by the build-time task and the run-time fix, on TorchSharp's real library:
/// the one GLIBCXX_3.4.32 requirement is found, it is weakened only when its one symbol is allow-listed, and
/// patching flips that flag and nothing else.
/// </summary>
[TestClass]
public sealed class ElfVersionNeedsTests
{
    private const string Version = "GLIBCXX_3.4.32";
    private const string Marker = "_ZSt21ios_base_library_initv";

    [TestMethod]
    public void FindsTheStrongGlibcxxRequirementAndTheLibrariesItNeeds()
    {
        var elf = ElfImage.TryParse(File.ReadAllBytes(PristineTorchSharpNative.Path()))!;

        var need = elf.ReadVersionNeeds().Single(n => n.Version == Version);
        Assert.AreEqual("libstdc++.so.6", need.File);
        Assert.IsFalse(need.IsWeak);
        CollectionAssert.IsSubsetOf(new[] { "libtorch.so", "libc10.so", "libtorch_cpu.so", "libstdc++.so.6" }, elf.NeededLibraries());
    }

    [TestMethod]
    public void WeakeningFlipsOnlyThatFlag()
    {
        byte[] original = File.ReadAllBytes(PristineTorchSharpNative.Path());
        byte[] bytes = (byte[])original.Clone();
        var plan = ElfWeakeningPlan.For(ElfImage.TryParse(bytes)!, [Version], [Marker]);

        Assert.IsFalse(plan.IsBlocked);
        Assert.HasCount(1, plan.ToWeaken);
        plan.ApplyTo(bytes);

        Assert.IsTrue(ElfImage.TryParse(bytes)!.ReadVersionNeeds().Single(n => n.Version == Version).IsWeak);
        var changed = Enumerable.Range(0, bytes.Length).Where(i => bytes[i] != original[i]).ToList();
        CollectionAssert.AreEqual(new[] { (int)plan.ToWeaken[0].FlagsOffset }, changed);
        Assert.IsEmpty(ElfWeakeningPlan.For(ElfImage.TryParse(bytes)!, [Version], [Marker]).ToWeaken, "a second pass finds nothing to do");
    }

    [TestMethod]
    public void ASymbolOutsideTheAllowListBlocksTheFix()
    {
        var plan = ElfWeakeningPlan.For(ElfImage.TryParse(File.ReadAllBytes(PristineTorchSharpNative.Path()))!, [Version], []);

        Assert.IsTrue(plan.IsBlocked);
        Assert.AreEqual(Version, plan.BlockingVersion);
        Assert.AreEqual(Marker, plan.BlockingSymbol);
        Assert.ThrowsExactly<InvalidOperationException>(() => plan.ApplyTo(new byte[16]));
    }

    [TestMethod]
    public void NonElfInputIsRecognised()
    {
        Assert.IsNull(ElfImage.TryParse(new byte[100]));
        Assert.IsNull(ElfImage.TryParse("\u007fELF"u8.ToArray()));
    }

    [TestMethod]
    public void UnfixableMessageNamesTheVersionAndBothRemedies()
    {
        var plan = ElfWeakeningPlan.For(ElfImage.TryParse(File.ReadAllBytes(PristineTorchSharpNative.Path()))!, [Version], []);

        string message = TorchSharpNativeFix.CannotFixMessage("/app/libLibTorchSharp.so", [Version], plan);

        StringAssert.Contains(message, Version);
        StringAssert.Contains(message, Marker);
        StringAssert.Contains(message, "libstdc++ provides " + Version);
        StringAssert.Contains(message, "AfinTorchSharpNativeFix=false");
        StringAssert.Contains(message, "AFIN_TORCHSHARP_NATIVE_FIX=false");
    }
}
