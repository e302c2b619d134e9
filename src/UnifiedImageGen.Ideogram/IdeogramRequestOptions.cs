using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using UnifiedImageGen.Caching;

namespace UnifiedImageGen.Ideogram;

/// <summary>Ideogram-only settings for one request: <c>request.WithProviderOptions("ideogram", new IdeogramRequestOptions { ... })</c>.</summary>
public sealed record IdeogramRequestOptions : ICacheableProviderOptions
{
    /// <summary>V_3: <c>FLASH</c>, <c>TURBO</c>, <c>BALANCED</c>, <c>DEFAULT</c> or <c>QUALITY</c> (otherwise from <see cref="ImageGenerationRequest.Quality"/>: low TURBO, medium DEFAULT, high QUALITY).</summary>
    public string? RenderingSpeed { get; init; }

    /// <summary>Prompt rewriting: <c>AUTO</c>, <c>ON</c> or <c>OFF</c>; the rewritten prompt comes back as <see cref="GeneratedImage.RevisedPrompt"/>.</summary>
    public string? MagicPrompt { get; init; }

    /// <summary>
    /// <c>style_type</c>: V_3 takes AUTO, GENERAL, REALISTIC, DESIGN, CUSTOM, FICTION or STYLIZED (the spec's
    /// <c>StyleTypeV3</c>; anything else is dropped with a warning). Also taken from <see cref="ImageGenerationRequest.Style"/>.
    /// </summary>
    public string? StyleType { get; init; }

    /// <summary>V_3: <c>style_preset</c>, such as <c>ART_DECO</c> or <c>OIL_PAINTING</c>.</summary>
    public string? StylePreset { get; init; }

    /// <summary>V_3: a custom model, such as <c>model/my-model/version/1</c>.</summary>
    public string? CustomModelUri { get; init; }

    /// <summary>
    /// V_3 generate, edit and remix: <c>character_reference_images</c>, the character to keep (Ideogram takes one image
    /// for now, at most 10 MB; billed at character-reference prices). URLs are downloaded first.
    /// </summary>
    public IReadOnlyList<ImageInput>? CharacterReferenceImages { get; init; }

    /// <summary><c>character_reference_images_mask</c>: one grayscale mask per character reference image, each of its size.</summary>
    public IReadOnlyList<ImageInput>? CharacterReferenceMasks { get; init; }

    /// <summary>
    /// V_3 edit: <see langword="true"/> when <see cref="ImageGenerationRequest.Mask"/> is already in Ideogram's convention
    /// (black where to edit, white where to keep) and must be sent untouched. By default the mask is read in the SDK's
    /// convention (transparent, or white when fully opaque, where to repaint) and converted; that needs a PNG.
    /// </summary>
    public bool? SendMaskAsIs { get; init; }

    /// <summary>More form fields (V_3) or <c>image_request</c> members (legacy), sent as they are.</summary>
    public JsonObject? Fields { get; init; }

    /// <inheritdoc/>
    void ICacheableProviderOptions.WriteCacheKey(Utf8JsonWriter writer) => JsonSerializer.Serialize(writer, this, IdeogramRequestOptionsCacheKeyJsonContext.Default.IdeogramRequestOptions);
}

// The cache key's view of the options: every property by value, whatever settings the wire contexts use.
[JsonSerializable(typeof(IdeogramRequestOptions))]
internal sealed partial class IdeogramRequestOptionsCacheKeyJsonContext : JsonSerializerContext;
