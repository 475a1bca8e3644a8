using SkiaSharp;

namespace Checker.Report.Tests;

/// <summary>Reads a PNG back and answers what a person would see: is it blank, which colours are where.</summary>
public sealed class Png : IDisposable
{
    readonly SKBitmap bitmap;

    public Png(string path) => bitmap = SKBitmap.Decode(path) ?? throw new InvalidOperationException($"{path} is not a PNG");

    public int Width => bitmap.Width;
    public int Height => bitmap.Height;

    /// <summary>Pixels that are not (near) white: text, axes, data, bands.</summary>
    public double InkFraction()
    {
        long ink = 0;
        for (var y = 0; y < Height; y += 2)
            for (var x = 0; x < Width; x += 2)
            {
                var c = bitmap.GetPixel(x, y);
                if (c.Red < 235 || c.Green < 235 || c.Blue < 235) ink++;
            }
        return ink / ((Width / 2.0) * (Height / 2.0));
    }

    public int DistinctColours()
    {
        var seen = new HashSet<uint>();
        for (var y = 0; y < Height; y += 3)
            for (var x = 0; x < Width; x += 3) seen.Add((uint)bitmap.GetPixel(x, y));
        return seen.Count;
    }

    /// <summary>How many pixels of column x, between rows top and bottom, are within tolerance of the colour.</summary>
    public int CountInColumn(int x, int top, int bottom, (byte R, byte G, byte B) colour, int tolerance = 4)
    {
        var n = 0;
        for (var y = Math.Max(0, top); y < Math.Min(Height, bottom); y++)
        {
            var c = bitmap.GetPixel(Math.Clamp(x, 0, Width - 1), y);
            if (Math.Abs(c.Red - colour.R) <= tolerance && Math.Abs(c.Green - colour.G) <= tolerance && Math.Abs(c.Blue - colour.B) <= tolerance) n++;
        }
        return n;
    }

    public void Dispose() => bitmap.Dispose();
}
