using System.Text.Json.Nodes;

namespace UnifiedImageGen.Leonardo;

/// <summary>Leonardo-only settings for one request: <c>request.WithProviderOptions("leonardo", new LeonardoRequestOptions { ... })</c>.</summary>
public sealed record LeonardoRequestOptions
{
    /// <summary><c>presetStyle</c>, such as <c>CINEMATIC</c> or <c>DYNAMIC</c> (also taken from <see cref="ImageGenerationRequest.Style"/>).</summary>
    public string? PresetStyle { get; init; }

    /// <summary><c>alchemy</c>: Leonardo's higher-quality pipeline (costs more credits).</summary>
    public bool? Alchemy { get; init; }

    /// <summary><c>public</c>: whether the generation shows in Leonardo's community feed.</summary>
    /// <value><see langword="false"/> (sent explicitly, so product images stay private).</value>
    public bool Public { get; init; }

    /// <summary>More body members, merged in (the prompt stays the request's).</summary>
    public JsonObject? Fields { get; init; }
}
