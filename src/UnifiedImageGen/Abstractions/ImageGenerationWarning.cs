namespace UnifiedImageGen;

/// <summary>What kind of thing a warning reports.</summary>
public enum ImageGenerationWarningKind
{
    /// <summary>A setting the model does not support was dropped.</summary>
    Unsupported,

    /// <summary>A setting was changed to the nearest value the model supports.</summary>
    Adjusted,

    /// <summary>Anything else worth knowing.</summary>
    Other,
}

/// <summary>A note on a request that was carried out differently from how it was asked.</summary>
/// <param name="Kind">What kind of change.</param>
/// <param name="Setting">The request member concerned, such as <c>"Size"</c>.</param>
/// <param name="Message">What was requested and what was applied.</param>
public sealed record ImageGenerationWarning(ImageGenerationWarningKind Kind, string Setting, string Message)
{
    /// <summary>The requested value, as text, when there was one.</summary>
    public string? RequestedValue { get; init; }

    /// <summary>The value applied instead, as text; <see langword="null"/> when the setting was dropped.</summary>
    public string? AppliedValue { get; init; }
}
