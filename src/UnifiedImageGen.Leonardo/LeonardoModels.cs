namespace UnifiedImageGen.Leonardo;

/// <summary>
/// Leonardo model ids. v1 (<c>POST /api/rest/v1/generations</c>) takes platform model UUIDs as <c>modelId</c>;
/// v2 (<c>POST /api/rest/v2/generations</c>) takes model names such as <c>gpt-image-1.5</c>. The generator sends a UUID
/// to v1 and any other id to v2.
/// </summary>
public static class LeonardoModels
{
    /// <summary>Lucid Origin on v1, the default model (docs.leonardo.ai legacy-generation model table); needs <c>contrast</c>.</summary>
    public const string LucidOrigin = "7b592283-e8a7-4c5a-9ba6-d18c31f258b9";

    /// <summary>Lucid Realism on v1; needs <c>contrast</c>.</summary>
    public const string LucidRealism = "05ce0082-2d80-4a2d-8653-4d1c85e2418e";

    /// <summary>FLUX.1 Kontext on v1; needs <c>contrast</c>.</summary>
    public const string FluxKontext = "28aeddf8-bd19-4803-80fc-79602d1a9989";

    /// <summary>Leonardo Phoenix 1.0 on v1.</summary>
    public const string Phoenix = "de7d3faf-762f-48e0-b3b7-9d0ac3a3fcf3";

    /// <summary>GPT Image 1.5 on v2 (1024 or 1536 sides).</summary>
    public const string GptImage15 = "gpt-image-1.5";

    /// <summary>FLUX.2 Pro on v2 (sides 256-1440).</summary>
    public const string Flux2Pro = "flux-pro-2.0";

    /// <summary>Whether <paramref name="modelId"/> is served by the v2 endpoint (it is not a platform model UUID).</summary>
    /// <param name="modelId">The model id.</param>
    public static bool IsV2(string modelId) => !Guid.TryParse(modelId, out _);
}
