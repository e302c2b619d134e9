namespace UnifiedImageGen;

/// <summary>
/// An image file format. An open set with well-known values; compared case-insensitively, and <c>"jpg"</c> and
/// <c>"image/jpeg"</c> both mean <see cref="Jpeg"/>.
/// </summary>
public readonly struct ImageFormat : IEquatable<ImageFormat>
{
    private readonly string? _value;

    /// <summary>Creates a format from a name (<c>"png"</c>) or a media type (<c>"image/png"</c>).</summary>
    /// <exception cref="ArgumentException"><paramref name="value"/> is null or white space.</exception>
    public ImageFormat(string value)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(value);
        string name = value.Trim();
        if (name.StartsWith("image/", StringComparison.OrdinalIgnoreCase))
        {
            name = name["image/".Length..];
        }

        _value = name.ToLowerInvariant() switch
        {
            "jpg" => "jpeg",
            var other => other,
        };
    }

    /// <summary>PNG: lossless, supports transparency.</summary>
    public static ImageFormat Png { get; } = new("png");

    /// <summary>JPEG: lossy, small.</summary>
    public static ImageFormat Jpeg { get; } = new("jpeg");

    /// <summary>WebP: lossy or lossless, supports transparency.</summary>
    public static ImageFormat Webp { get; } = new("webp");

    /// <summary>The format name, such as <c>"png"</c>.</summary>
    public string Value => _value ?? "png";

    /// <summary>The media type, such as <c>"image/png"</c>.</summary>
    public string MediaType => "image/" + Value;

    /// <summary>The usual file extension with its dot, such as <c>".png"</c> or <c>".jpg"</c>.</summary>
    public string FileExtension => Value == "jpeg" ? ".jpg" : "." + Value;

    /// <summary>Converts a name or media type.</summary>
    public static implicit operator ImageFormat(string value) => new(value);

    /// <summary>Equality, case-insensitive.</summary>
    public static bool operator ==(ImageFormat left, ImageFormat right) => left.Equals(right);

    /// <summary>Inequality, case-insensitive.</summary>
    public static bool operator !=(ImageFormat left, ImageFormat right) => !left.Equals(right);

    /// <summary>Creates a format from a name or media type.</summary>
    public static ImageFormat FromString(string value) => new(value);

    /// <inheritdoc/>
    public bool Equals(ImageFormat other) => string.Equals(Value, other.Value, StringComparison.OrdinalIgnoreCase);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is ImageFormat other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => StringComparer.OrdinalIgnoreCase.GetHashCode(Value);

    /// <inheritdoc/>
    public override string ToString() => Value;
}
