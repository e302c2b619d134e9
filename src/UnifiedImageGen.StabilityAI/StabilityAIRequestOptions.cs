using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using UnifiedImageGen.Caching;

namespace UnifiedImageGen.StabilityAI;

/// <summary>
/// Stability-only settings for one request: <c>request.WithProviderOptions("stability", new StabilityAIRequestOptions { ... })</c>.
/// Settings an endpoint does not take are dropped with a warning.
/// </summary>
public sealed record StabilityAIRequestOptions : ICacheableProviderOptions
{
    /// <summary><c>style_preset</c>: enhance, anime, photographic, digital-art, comic-book, fantasy-art, line-art, analog-film, neon-punk, isometric, low-poly, origami, modeling-compound, cinematic, 3d-model, pixel-art, tile-texture.</summary>
    public string? StylePreset { get; init; }

    /// <summary>SD 3.5: <c>cfg_scale</c> 1-10 (also taken from <see cref="ImageGenerationRequest.GuidanceScale"/>).</summary>
    public double? CfgScale { get; init; }

    /// <summary>sketch and structure control: <c>control_strength</c> 0-1 (default 0.7).</summary>
    public double? ControlStrength { get; init; }

    /// <summary>style control: <c>fidelity</c> 0-1 (default 0.5).</summary>
    public double? Fidelity { get; init; }

    /// <summary>inpaint (0-100), erase and search-and-replace (0-20): <c>grow_mask</c>.</summary>
    public int? GrowMask { get; init; }

    /// <summary>outpaint: pixels to add on the left, 0-2000.</summary>
    public int? Left { get; init; }

    /// <summary>outpaint: pixels to add on the right, 0-2000.</summary>
    public int? Right { get; init; }

    /// <summary>outpaint: pixels to add above, 0-2000.</summary>
    public int? Up { get; init; }

    /// <summary>outpaint: pixels to add below, 0-2000.</summary>
    public int? Down { get; init; }

    /// <summary>outpaint (0-1), conservative (0.2-0.5) and creative (0.1-0.5) upscale: <c>creativity</c>.</summary>
    public double? Creativity { get; init; }

    /// <summary>search-and-replace: what to replace (<c>search_prompt</c>).</summary>
    public string? SearchPrompt { get; init; }

    /// <summary>search-and-recolor: what to recolor (<c>select_prompt</c>).</summary>
    public string? SelectPrompt { get; init; }

    /// <summary>style-transfer: <c>style_strength</c> 0-1 (default 1), how much the style image (<c>request.InputImages[1]</c>) influences the output; 0 keeps the input.</summary>
    public double? StyleStrength { get; init; }

    /// <summary>style-transfer: <c>composition_fidelity</c> 0-1 (default 0.9), how closely the output keeps the input's composition.</summary>
    public double? CompositionFidelity { get; init; }

    /// <summary>style-transfer: <c>change_strength</c> 0.1-1 (default 0.9), how much the input image may change.</summary>
    public double? ChangeStrength { get; init; }

    /// <summary>replace-background-and-relight: <c>background_reference</c>, an image whose style the new background takes. It or <c>request.Prompt</c> (the <c>background_prompt</c>) is required.</summary>
    public ImageInput? BackgroundReference { get; init; }

    /// <summary>replace-background-and-relight: <c>foreground_prompt</c>, a short description of the subject that keeps the background from bleeding into it.</summary>
    public string? ForegroundPrompt { get; init; }

    /// <summary>replace-background-and-relight: <c>preserve_original_subject</c> 0-1 (default 0.6); 1 keeps the subject's pixels exactly.</summary>
    public double? PreserveOriginalSubject { get; init; }

    /// <summary>replace-background-and-relight: <c>original_background_depth</c> 0-1 (default 0.5), how far the new background keeps the original's depth.</summary>
    public double? OriginalBackgroundDepth { get; init; }

    /// <summary>replace-background-and-relight: <c>keep_original_background</c> (default false), relight only and keep the background.</summary>
    public bool? KeepOriginalBackground { get; init; }

    /// <summary>replace-background-and-relight: <c>light_source_direction</c>, one of <c>left</c>, <c>right</c>, <c>above</c>, <c>below</c>.</summary>
    public string? LightSourceDirection { get; init; }

    /// <summary>replace-background-and-relight: <c>light_reference</c>, an image whose lighter parts become the brighter parts of the output.</summary>
    public ImageInput? LightReference { get; init; }

    /// <summary>replace-background-and-relight: <c>light_source_strength</c> 0-1 (default 0.3); needs <see cref="LightSourceDirection"/> or <see cref="LightReference"/>.</summary>
    public double? LightSourceStrength { get; init; }

    /// <summary>More form fields, sent as they are (members the SDK maps itself are refused).</summary>
    public JsonObject? Fields { get; init; }

    // Records print every property; prompts are user content, so only their lengths are printed.
    private bool PrintMembers(StringBuilder builder)
    {
        bool first = true;
        void Add(string name, object? value)
        {
            if (value is not null)
            {
                builder.Append(first ? "" : ", ").Append(name).Append(" = ").Append(value);
                first = false;
            }
        }

        Add(nameof(StylePreset), StylePreset);
        Add(nameof(CfgScale), CfgScale);
        Add(nameof(ControlStrength), ControlStrength);
        Add(nameof(Fidelity), Fidelity);
        Add(nameof(GrowMask), GrowMask);
        Add(nameof(Left), Left);
        Add(nameof(Right), Right);
        Add(nameof(Up), Up);
        Add(nameof(Down), Down);
        Add(nameof(Creativity), Creativity);
        Add("SearchPromptLength", SearchPrompt?.Length);
        Add("SelectPromptLength", SelectPrompt?.Length);
        Add(nameof(StyleStrength), StyleStrength);
        Add(nameof(CompositionFidelity), CompositionFidelity);
        Add(nameof(ChangeStrength), ChangeStrength);
        Add(nameof(BackgroundReference), BackgroundReference);
        Add("ForegroundPromptLength", ForegroundPrompt?.Length);
        Add(nameof(PreserveOriginalSubject), PreserveOriginalSubject);
        Add(nameof(OriginalBackgroundDepth), OriginalBackgroundDepth);
        Add(nameof(KeepOriginalBackground), KeepOriginalBackground);
        Add(nameof(LightSourceDirection), LightSourceDirection);
        Add(nameof(LightReference), LightReference);
        Add(nameof(LightSourceStrength), LightSourceStrength);
        Add("FieldCount", Fields?.Count);
        return !first;
    }

    /// <inheritdoc/>
    void ICacheableProviderOptions.WriteCacheKey(Utf8JsonWriter writer) => JsonSerializer.Serialize(writer, this, StabilityAIRequestOptionsCacheKeyJsonContext.Default.StabilityAIRequestOptions);
}

// The cache key's view of the options: every property by value, whatever settings the wire contexts use.
[JsonSerializable(typeof(StabilityAIRequestOptions))]
internal sealed partial class StabilityAIRequestOptionsCacheKeyJsonContext : JsonSerializerContext;
