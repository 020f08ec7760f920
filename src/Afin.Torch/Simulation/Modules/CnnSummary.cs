using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Afin.Simulation.Modules;

/// <summary>
/// Summary network for 2-d fields: conv3x3(1 -> c), conv3x3(c -> 2c, stride 2), conv3x3(2c -> 4c, stride 2), each with
/// ReLU, then the flattened maps through a dense layer. Flattening (rather than global pooling) keeps where structure
/// sits, and the strides keep it small on a 16 x 16 grid.
/// </summary>
internal sealed class CnnSummary : nn.Module<Tensor, Tensor>
{
    private readonly Conv2d _conv1, _conv2, _conv3;
    private readonly Linear _dense, _output;
    private readonly long _height, _width;

    internal CnnSummary(DataShape shape, int channels, int width, int outputDimension) : base(nameof(CnnSummary))
    {
        Afin.Network.TorchRuntime.DisableNnpack();
        _height = shape.Rows;
        _width = shape.Columns;
        _conv1 = nn.Conv2d(1, channels, 3, padding: 1);
        _conv2 = nn.Conv2d(channels, 2 * channels, 3, stride: 2, padding: 1);
        _conv3 = nn.Conv2d(2 * channels, 4 * channels, 3, stride: 2, padding: 1);
        long h = Strided(Strided(_height)), w = Strided(Strided(_width));
        _dense = nn.Linear(4 * channels * h * w, width);
        _output = nn.Linear(width, outputDimension);
        RegisterComponents();
    }

    private static long Strided(long size) => (size - 1) / 2 + 1;

    public override Tensor forward(Tensor data)
    {
        using var scope = NewDisposeScope();
        var x = data.reshape(-1, 1, _height, _width);
        x = nn.functional.relu(_conv1.forward(x));
        x = nn.functional.relu(_conv2.forward(x));
        x = nn.functional.relu(_conv3.forward(x));
        x = nn.functional.relu(_dense.forward(x.flatten(1)));
        return _output.forward(x).MoveToOuterDisposeScope();
    }
}
