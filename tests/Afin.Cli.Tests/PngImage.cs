using SkiaSharp;

namespace Afin.Cli.Tests;

/// <summary>Reads what a test needs to know about a PNG file: that it is one, its size, and its pixels.</summary>
internal static class PngImage
{
    private static readonly byte[] Signature = [137, 80, 78, 71, 13, 10, 26, 10];

    /// <summary>Asserts the PNG signature and an IHDR chunk first, and returns the width and height it declares.</summary>
    internal static (int Width, int Height) Dimensions(string path)
    {
        var bytes = File.ReadAllBytes(path);
        CollectionAssert.AreEqual(Signature, bytes[..8], "not a PNG file");
        Assert.AreEqual("IHDR", System.Text.Encoding.ASCII.GetString(bytes, 12, 4));
        return (BigEndian(bytes, 16), BigEndian(bytes, 20));
    }

    /// <summary>How many pixels lie within a small distance of the colour (in each channel).</summary>
    internal static int CountColour(SKBitmap bitmap, SKColor colour, int tolerance = 24, SKRectI? region = null)
    {
        var area = region ?? new SKRectI(0, 0, bitmap.Width, bitmap.Height);
        int count = 0;
        for (int y = area.Top; y < area.Bottom; y++)
        {
            for (int x = area.Left; x < area.Right; x++)
            {
                var p = bitmap.GetPixel(x, y);
                if (Math.Abs(p.Red - colour.Red) <= tolerance && Math.Abs(p.Green - colour.Green) <= tolerance && Math.Abs(p.Blue - colour.Blue) <= tolerance)
                {
                    count++;
                }
            }
        }
        return count;
    }

    private static int BigEndian(byte[] bytes, int offset) =>
        (bytes[offset] << 24) | (bytes[offset + 1] << 16) | (bytes[offset + 2] << 8) | bytes[offset + 3];
}
