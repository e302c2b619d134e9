using System.Text.Json.Nodes;

namespace UnifiedImageGen.AdobeFirefly;

/// <summary>Firefly-only settings for one request: <c>request.WithProviderOptions("firefly", new AdobeFireflyRequestOptions { ... })</c>.</summary>
public sealed record AdobeFireflyRequestOptions
{
    /// <summary><c>contentClass</c>: <c>photo</c> or <c>art</c>.</summary>
    public string? ContentClass { get; init; }

    /// <summary><c>style.presets</c>, such as <c>bw</c> or <c>watercolor</c> (also taken from <see cref="ImageGenerationRequest.Style"/>).</summary>
    public IReadOnlyList<string>? StylePresets { get; init; }

    /// <summary>The strength of the style reference (<c>style.strength</c>, 1-100), when an input image is sent as a style reference.</summary>
    public int? StyleStrength { get; init; }

    /// <summary>Whether the first input image is a style reference (default) or a structure reference (composition and depth).</summary>
    public bool InputImageIsStructure { get; init; }

    /// <summary><c>visualIntensity</c>, 2-10.</summary>
    public int? VisualIntensity { get; init; }

    /// <summary><c>promptBiasingLocaleCode</c>, such as <c>en-US</c>.</summary>
    public string? LocaleCode { get; init; }

    /// <summary>More body members, merged in (the prompt stays the request's).</summary>
    public JsonObject? Fields { get; init; }
}
