using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace UnifiedImageGen;

/// <summary>An aspect ratio such as <c>16:9</c>, always kept in lowest terms.</summary>
public readonly record struct AspectRatio : ISpanParsable<AspectRatio>
{
    /// <summary>Creates a ratio and reduces it (<c>32:18</c> becomes <c>16:9</c>).</summary>
    /// <param name="width">The width term, 1 or more.</param>
    /// <param name="height">The height term, 1 or more.</param>
    /// <exception cref="ArgumentOutOfRangeException">A term is below 1.</exception>
    public AspectRatio(int width, int height)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        int divisor = GreatestCommonDivisor(width, height);
        Width = width / divisor;
        Height = height / divisor;
    }

    /// <summary>The width term.</summary>
    public int Width { get; }

    /// <summary>The height term.</summary>
    public int Height { get; }

    /// <summary>Width divided by height.</summary>
    public double Value => (double)Width / Height;

    /// <summary>1:1.</summary>
    public static AspectRatio Square { get; } = new(1, 1);

    /// <summary>16:9.</summary>
    public static AspectRatio Landscape16x9 { get; } = new(16, 9);

    /// <summary>9:16.</summary>
    public static AspectRatio Portrait9x16 { get; } = new(9, 16);

    /// <summary>The reduced ratio of a size (1920x1080 gives 16:9).</summary>
    public static AspectRatio FromSize(ImageSize size) => new(size.Width, size.Height);

    /// <summary>
    /// The size of this shape with about <paramref name="megapixels"/> million pixels, each side rounded to a
    /// multiple of <paramref name="multipleOf"/> (many diffusion models need multiples of 16, 32 or 64).
    /// </summary>
    /// <param name="megapixels">The target pixel count in millions; 1.0 by default.</param>
    /// <param name="multipleOf">Each side is a multiple of this; 16 by default.</param>
    /// <exception cref="ArgumentOutOfRangeException">An argument is not positive.</exception>
    public ImageSize ToSize(double megapixels = 1.0, int multipleOf = 16)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(megapixels);
        ArgumentOutOfRangeException.ThrowIfLessThan(multipleOf, 1);
        double pixels = megapixels * 1_000_000d;
        double height = Math.Sqrt(pixels / Value);
        double width = height * Value;
        return new ImageSize(Round(width, multipleOf), Round(height, multipleOf));

        static int Round(double side, int multiple) =>
            (int)Math.Clamp(Math.Max(multiple, Math.Round(side / multiple) * multiple), 1, ImageSize.MaxSide);
    }

    /// <summary>Returns the ratio in <paramref name="candidates"/> nearest to this one (compared on a log scale).</summary>
    /// <exception cref="ArgumentException"><paramref name="candidates"/> is empty.</exception>
    public AspectRatio Nearest(IEnumerable<AspectRatio> candidates)
    {
        ArgumentNullException.ThrowIfNull(candidates);
        AspectRatio? best = null;
        double bestDistance = double.MaxValue;
        double target = Math.Log(Value);
        foreach (var candidate in candidates)
        {
            double distance = Math.Abs(Math.Log(candidate.Value) - target);
            if (distance < bestDistance)
            {
                bestDistance = distance;
                best = candidate;
            }
        }

        return best ?? throw new ArgumentException("There are no candidate aspect ratios to choose from.", nameof(candidates));
    }

    /// <inheritdoc/>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Width}:{Height}");

    /// <summary>
    /// The spelling of this ratio in a provider's list of values: a ratio is kept in lowest terms (21:9 is 7:3), but
    /// APIs list the cinema ratios as <c>"21:9"</c> and <c>"9:21"</c> and take no other spelling.
    /// </summary>
    /// <param name="spellings">The provider's values, such as <c>"21:9"</c> or <c>"16:9"</c>.</param>
    /// <returns>The first value that parses to this ratio, else <see cref="ToString()"/>.</returns>
    public string SpelledAs(IEnumerable<string> spellings)
    {
        ArgumentNullException.ThrowIfNull(spellings);
        foreach (var spelling in spellings)
        {
            if (TryParse(spelling, CultureInfo.InvariantCulture, out var ratio) && ratio == this)
            {
                return spelling;
            }
        }

        return ToString();
    }

    /// <summary>Parses <c>"16:9"</c> (also <c>"16/9"</c> and <c>"16x9"</c>) and reduces it.</summary>
    /// <exception cref="FormatException">The text is not a ratio.</exception>
    public static AspectRatio Parse(string s) => Parse(s, CultureInfo.InvariantCulture);

    /// <inheritdoc/>
    public static AspectRatio Parse(string s, IFormatProvider? provider)
    {
        ArgumentNullException.ThrowIfNull(s);
        return Parse(s.AsSpan(), provider);
    }

    /// <inheritdoc/>
    public static AspectRatio Parse(ReadOnlySpan<char> s, IFormatProvider? provider) =>
        TryParse(s, provider, out var ratio) ? ratio : throw new FormatException($"'{s.ToString()}' is not an aspect ratio such as '16:9'.");

    /// <inheritdoc/>
    public static bool TryParse([NotNullWhen(true)] string? s, IFormatProvider? provider, out AspectRatio result) =>
        TryParse(s.AsSpan(), provider, out result);

    /// <inheritdoc/>
    public static bool TryParse(ReadOnlySpan<char> s, IFormatProvider? provider, out AspectRatio result)
    {
        result = default;
        s = s.Trim();
        int separator = s.IndexOfAny(':', '/', 'x');
        if (separator <= 0
            || !int.TryParse(s[..separator], NumberStyles.None, CultureInfo.InvariantCulture, out int width)
            || !int.TryParse(s[(separator + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out int height)
            || width < 1 || height < 1)
        {
            return false;
        }

        result = new AspectRatio(width, height);
        return true;
    }

    private static int GreatestCommonDivisor(int a, int b)
    {
        while (b != 0)
        {
            (a, b) = (b, a % b);
        }

        return a;
    }
}
