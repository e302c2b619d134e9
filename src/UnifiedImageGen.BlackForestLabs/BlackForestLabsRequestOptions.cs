using System.Text.Json.Nodes;

namespace UnifiedImageGen.BlackForestLabs;

/// <summary>BFL-only settings for one request: <c>request.WithProviderOptions("bfl", new BlackForestLabsRequestOptions { ... })</c>.</summary>
public sealed record BlackForestLabsRequestOptions
{
    /// <summary><c>safety_tolerance</c>: 0 (strictest) to 6 (FLUX.2: 5).</summary>
    public int? SafetyTolerance { get; init; }

    /// <summary><c>prompt_upsampling</c>: let the model expand the prompt.</summary>
    public bool? PromptUpsampling { get; init; }

    /// <summary>Ultra: <c>raw</c>, a less processed, more natural look.</summary>
    public bool? Raw { get; init; }

    /// <summary>Expand: pixels to add above, 0-2048.</summary>
    public int? Top { get; init; }

    /// <summary>Expand: pixels to add below, 0-2048.</summary>
    public int? Bottom { get; init; }

    /// <summary>Expand: pixels to add on the left, 0-2048.</summary>
    public int? Left { get; init; }

    /// <summary>Expand: pixels to add on the right, 0-2048.</summary>
    public int? Right { get; init; }

    /// <summary>More body members, merged in (prompt and input images stay the request's).</summary>
    public JsonObject? Input { get; init; }
}
