using System.Text.Json.Nodes;

namespace UnifiedImageGen.StabilityAI;

/// <summary>
/// Stability-only settings for one request: <c>request.WithProviderOptions("stability", new StabilityAIRequestOptions { ... })</c>.
/// Settings an endpoint does not take are dropped with a warning.
/// </summary>
public sealed record StabilityAIRequestOptions
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

    /// <summary>More form fields, sent as they are (members the SDK maps itself are refused).</summary>
    public JsonObject? Fields { get; init; }
}
