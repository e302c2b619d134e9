using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace UnifiedImageGen;

/// <summary>An image size in pixels, written <c>"1024x1024"</c>.</summary>
public readonly record struct ImageSize : ISpanParsable<ImageSize>
{
    /// <summary>The largest side this SDK accepts anywhere (no provider renders more).</summary>
    public const int MaxSide = 16384;

    /// <summary>Creates a size.</summary>
    /// <param name="width">Width in pixels, 1 to <see cref="MaxSide"/>.</param>
    /// <param name="height">Height in pixels, 1 to <see cref="MaxSide"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException">A side is below 1 or above <see cref="MaxSide"/>.</exception>
    public ImageSize(int width, int height)
    {
        if (width is < 1 or > MaxSide)
        {
            throw new ArgumentOutOfRangeException(nameof(width), width, $"Image width must be between 1 and {MaxSide} pixels.");
        }

        if (height is < 1 or > MaxSide)
        {
            throw new ArgumentOutOfRangeException(nameof(height), height, $"Image height must be between 1 and {MaxSide} pixels.");
        }

        Width = width;
        Height = height;
    }

    /// <summary>Width in pixels.</summary>
    public int Width { get; }

    /// <summary>Height in pixels.</summary>
    public int Height { get; }

    /// <summary>Width times height.</summary>
    public long Pixels => (long)Width * Height;

    /// <summary>Megapixels (pixels / 1,000,000), the unit several providers price by.</summary>
    public double Megapixels => Pixels / 1_000_000d;

    /// <summary>The reduced aspect ratio of this size (1920x1080 gives 16:9).</summary>
    public AspectRatio AspectRatio => AspectRatio.FromSize(this);

    /// <summary>1024x1024.</summary>
    public static ImageSize Square1024 { get; } = new(1024, 1024);

    /// <summary>Returns the size in <paramref name="candidates"/> closest to this one: nearest shape first, then nearest pixel count.</summary>
    /// <param name="candidates">The sizes to choose from.</param>
    /// <exception cref="ArgumentException"><paramref name="candidates"/> is empty.</exception>
    public ImageSize Nearest(IEnumerable<ImageSize> candidates)
    {
        ArgumentNullException.ThrowIfNull(candidates);
        ImageSize? best = null;
        double bestScore = double.MaxValue;
        double shape = Math.Log((double)Width / Height);
        double area = Math.Log(Pixels);
        foreach (var candidate in candidates)
        {
            // Shape matters more than scale: a portrait request should stay portrait.
            double score = (Math.Abs(Math.Log((double)candidate.Width / candidate.Height) - shape) * 4) + Math.Abs(Math.Log(candidate.Pixels) - area);
            if (score < bestScore)
            {
                bestScore = score;
                best = candidate;
            }
        }

        return best ?? throw new ArgumentException("There are no candidate sizes to choose from.", nameof(candidates));
    }

    /// <inheritdoc/>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Width}x{Height}");

    /// <summary>Parses <c>"1024x768"</c> (also <c>"1024X768"</c> and <c>"1024*768"</c>).</summary>
    /// <exception cref="FormatException">The text is not a size.</exception>
    public static ImageSize Parse(string s) => Parse(s, CultureInfo.InvariantCulture);

    /// <inheritdoc/>
    public static ImageSize Parse(string s, IFormatProvider? provider)
    {
        ArgumentNullException.ThrowIfNull(s);
        return Parse(s.AsSpan(), provider);
    }

    /// <inheritdoc/>
    public static ImageSize Parse(ReadOnlySpan<char> s, IFormatProvider? provider) =>
        TryParse(s, provider, out var size) ? size : throw new FormatException($"'{s.ToString()}' is not an image size such as '1024x1024'.");

    /// <inheritdoc/>
    public static bool TryParse([NotNullWhen(true)] string? s, IFormatProvider? provider, out ImageSize result) =>
        TryParse(s.AsSpan(), provider, out result);

    /// <inheritdoc/>
    public static bool TryParse(ReadOnlySpan<char> s, IFormatProvider? provider, out ImageSize result)
    {
        result = default;
        s = s.Trim();
        int separator = s.IndexOfAny('x', 'X', '*');
        if (separator <= 0
            || !int.TryParse(s[..separator], NumberStyles.None, CultureInfo.InvariantCulture, out int width)
            || !int.TryParse(s[(separator + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out int height)
            || width is < 1 or > MaxSide || height is < 1 or > MaxSide)
        {
            return false;
        }

        result = new ImageSize(width, height);
        return true;
    }
}
