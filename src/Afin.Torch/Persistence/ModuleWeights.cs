using TorchSharp;

namespace Afin.Persistence;

/// <summary>A module's weights as TorchSharp state-dict bytes: the form model files, checkpoints and <see cref="AfinModel"/> keep them in.</summary>
internal static class ModuleWeights
{
    /// <summary>The module's state dict, serialised.</summary>
    internal static byte[] Save(torch.nn.Module module)
    {
        using var memory = new MemoryStream();
        module.save(memory);
        return memory.ToArray();
    }

    /// <summary>Loads serialised state-dict bytes into <paramref name="module"/>.</summary>
    /// <exception cref="InvalidDataException">The weights do not fit the module; the message names <paramref name="source"/>.</exception>
    internal static void Load(torch.nn.Module module, byte[] bytes, string source)
    {
        try
        {
            using var memory = new MemoryStream(bytes);
            module.load(memory);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or IOException or KeyNotFoundException)
        {
            throw new InvalidDataException($"{source}: corrupt: the weights do not match the recorded configuration ({e.Message})", e);
        }
    }
}
