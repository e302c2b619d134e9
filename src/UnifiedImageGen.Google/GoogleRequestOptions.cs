namespace UnifiedImageGen.Google;

/// <summary>Google-only settings for one request: <c>request.WithProviderOptions("google", new GoogleRequestOptions { ... })</c>.</summary>
public sealed record GoogleRequestOptions
{
    /// <summary>Gemini 3 image models: <c>1K</c>, <c>2K</c> or <c>4K</c> (otherwise chosen from <see cref="ImageGenerationRequest.Size"/>).</summary>
    public string? ImageSize { get; init; }

    /// <summary>Imagen: <c>dont_allow</c>, <c>allow_adult</c> or <c>allow_all</c> (Vertex AI only).</summary>
    public string? PersonGeneration { get; init; }

    /// <summary>Imagen: <c>block_low_and_above</c>, <c>block_medium_and_above</c> or <c>block_only_high</c>.</summary>
    public string? SafetySetting { get; init; }

    /// <summary>Imagen on Vertex AI: the SynthID watermark (on by default; seeds are deterministic only with it off).</summary>
    public bool? AddWatermark { get; init; }

    /// <summary>Imagen on Vertex AI: let an LLM rewrite the prompt; the rewrite comes back as <see cref="GeneratedImage.RevisedPrompt"/>.</summary>
    public bool? EnhancePrompt { get; init; }
}
