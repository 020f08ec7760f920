using TorchSharp;
using static TorchSharp.torch;

namespace Afin.Network.Modules;

/// <summary>
/// A name → <see cref="Mlp"/> container registered as named children (state-dict names <c>&lt;name&gt;.mlp.*</c>).
/// Used instead of TorchSharp's ModuleDict, whose <c>to(dtype/device)</c> fails in TorchSharp 0.107.0
/// ("An item with the same key has already been added. Key: Item").
/// </summary>
internal sealed class FamilyNets : nn.Module
{
    private readonly Dictionary<string, Mlp> _nets = new(StringComparer.Ordinal);

    /// <summary>Creates an empty container.</summary>
    public FamilyNets() : base(nameof(FamilyNets))
    {
    }

    /// <summary>Adds and registers <paramref name="mlp"/> under <paramref name="name"/>.</summary>
    public void Add(string name, Mlp mlp)
    {
        _nets.Add(name, mlp);
        register_module(name, mlp);
    }

    /// <summary>The MLP registered under <paramref name="name"/>.</summary>
    public Mlp this[string name] => _nets[name];
}
