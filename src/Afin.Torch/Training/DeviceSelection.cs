using TorchSharp;

namespace Afin.Training;

/// <summary>Maps the device names users give (<c>cpu</c>, <c>cuda</c>, <c>auto</c>) onto TorchSharp devices.</summary>
public static class DeviceSelection
{
    /// <summary>Resolves a device name; <c>auto</c> picks CUDA when TorchSharp sees a GPU.</summary>
    /// <exception cref="ArgumentException">Unknown name, or <c>cuda</c> without a CUDA device.</exception>
    public static torch.Device Resolve(string name) => name?.ToLowerInvariant() switch
    {
        "cpu" => torch.CPU,
        "auto" => torch.cuda.is_available() ? torch.CUDA : torch.CPU,
        "cuda" => torch.cuda.is_available()
            ? torch.CUDA
            : throw new ArgumentException("device: 'cuda' was asked for but no CUDA device is available (the default build uses TorchSharp-cpu; build with -p:AfinTorchBackend=cuda)"),
        _ => throw new ArgumentException($"device: expected cpu, cuda or auto, got '{name}'"),
    };
}
