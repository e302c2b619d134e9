using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using UnifiedImageGen.Caching;

namespace UnifiedImageGen.AdobeFirefly;

/// <summary>Firefly-only settings for one request: <c>request.WithProviderOptions("firefly", new AdobeFireflyRequestOptions { ... })</c>.</summary>
public sealed record AdobeFireflyRequestOptions : ICacheableProviderOptions
{
    /// <summary><c>contentClass</c>: <c>photo</c> or <c>art</c>.</summary>
    public string? ContentClass { get; init; }

    /// <summary>
    /// <c>customModelId</c>: the id of your custom model, required with the models <c>image3_custom</c> and
    /// <c>image4_custom</c> (sent in <c>x-model-version</c>) and refused with the others.
    /// </summary>
    public string? CustomModelId { get; init; }

    /// <summary><c>upsamplerType</c> (<c>default</c> or <c>low_creativity</c>), only used with <c>image4_custom</c>.</summary>
    public string? UpsamplerType { get; init; }

    /// <summary><c>style.presets</c>, such as <c>bw</c> or <c>watercolor</c> (also taken from <see cref="ImageGenerationRequest.Style"/>).</summary>
    public IReadOnlyList<string>? StylePresets { get; init; }

    /// <summary>The strength of the style reference (<c>style.strength</c>, 1-100), when an input image is sent as a style reference.</summary>
    public int? StyleStrength { get; init; }

    /// <summary>Whether the first input image is a style reference (default) or a structure reference (composition and depth).</summary>
    public bool InputImageIsStructure { get; init; }

    /// <summary><c>visualIntensity</c>, 2-10.</summary>
    public int? VisualIntensity { get; init; }

    /// <summary><c>promptBiasingLocaleCode</c>, such as <c>en-US</c> (generate and fill).</summary>
    public string? LocaleCode { get; init; }

    /// <summary><c>mask.invert</c> for fill and expand: Firefly inverts the mask before using it.</summary>
    public bool InvertMask { get; init; }

    /// <summary><c>placement</c> for expand (<see cref="ImageOperation.Outpaint"/>): where the source image sits in the larger canvas. Not with a mask.</summary>
    public AdobeFireflyPlacement? Placement { get; init; }

    /// <summary>More body members, merged in (the prompt, images and mask stay the request's).</summary>
    public JsonObject? Fields { get; init; }

    /// <inheritdoc/>
    void ICacheableProviderOptions.WriteCacheKey(Utf8JsonWriter writer) => JsonSerializer.Serialize(writer, this, AdobeFireflyRequestOptionsCacheKeyJsonContext.Default.AdobeFireflyRequestOptions);
}

/// <summary>Expand's <c>placement</c>: alignment and/or insets, in pixels of the output.</summary>
/// <param name="Horizontal"><c>center</c> (default), <c>left</c> or <c>right</c>.</param>
/// <param name="Vertical"><c>center</c> (default), <c>top</c> or <c>bottom</c>.</param>
/// <param name="Inset">Margins between the output's edges and the placed image.</param>
public sealed record AdobeFireflyPlacement(string? Horizontal = null, string? Vertical = null, AdobeFireflyInset? Inset = null);

/// <summary>Expand's <c>placement.inset</c>, in pixels.</summary>
/// <param name="Left">Left margin.</param>
/// <param name="Top">Top margin.</param>
/// <param name="Right">Right margin.</param>
/// <param name="Bottom">Bottom margin.</param>
public sealed record AdobeFireflyInset(int Left, int Top, int Right, int Bottom);

// The cache key's view of the options: every property by value, whatever settings the wire contexts use.
[JsonSerializable(typeof(AdobeFireflyRequestOptions))]
internal sealed partial class AdobeFireflyRequestOptionsCacheKeyJsonContext : JsonSerializerContext;
