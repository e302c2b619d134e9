namespace UnifiedImageGen;

/// <summary>
/// A quality level. An open set: the well-known values below cover the providers this SDK ships, and any other
/// string converts implicitly so a new provider value never needs an SDK update. Compared case-insensitively.
/// </summary>
public readonly struct ImageQuality : IEquatable<ImageQuality>
{
    private readonly string? _value;

    /// <summary>Creates a quality from its provider value.</summary>
    /// <exception cref="ArgumentException"><paramref name="value"/> is null or white space.</exception>
    public ImageQuality(string value)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(value);
        _value = value.Trim();
    }

    /// <summary>Let the provider choose.</summary>
    public static ImageQuality Auto { get; } = new("auto");

    /// <summary>GPT image models: fastest and cheapest.</summary>
    public static ImageQuality Low { get; } = new("low");

    /// <summary>GPT image models: balanced.</summary>
    public static ImageQuality Medium { get; } = new("medium");

    /// <summary>GPT image models: best.</summary>
    public static ImageQuality High { get; } = new("high");

    /// <summary>DALL-E: standard.</summary>
    public static ImageQuality Standard { get; } = new("standard");

    /// <summary>DALL-E 3: finer detail.</summary>
    public static ImageQuality HD { get; } = new("hd");

    /// <summary>The provider value, lower-case for the well-known ones.</summary>
    public string Value => _value ?? "auto";

    /// <summary>Converts a provider value.</summary>
    public static implicit operator ImageQuality(string value) => new(value);

    /// <summary>Equality, case-insensitive.</summary>
    public static bool operator ==(ImageQuality left, ImageQuality right) => left.Equals(right);

    /// <summary>Inequality, case-insensitive.</summary>
    public static bool operator !=(ImageQuality left, ImageQuality right) => !left.Equals(right);

    /// <summary>Creates a quality from its provider value.</summary>
    public static ImageQuality FromString(string value) => new(value);

    /// <inheritdoc/>
    public bool Equals(ImageQuality other) => string.Equals(Value, other.Value, StringComparison.OrdinalIgnoreCase);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is ImageQuality other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => StringComparer.OrdinalIgnoreCase.GetHashCode(Value);

    /// <inheritdoc/>
    public override string ToString() => Value;
}
