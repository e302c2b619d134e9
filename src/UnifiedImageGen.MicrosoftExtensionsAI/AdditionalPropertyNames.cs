namespace UnifiedImageGen.MicrosoftExtensionsAI;

/// <summary>
/// The <c>AdditionalProperties</c> keys the adapters read and write, for the settings and results that
/// Microsoft.Extensions.AI has no typed member for. Keys are matched case-insensitively and without underscores, so
/// <c>"negative_prompt"</c>, <c>"negativePrompt"</c> and <c>"NegativePrompt"</c> are the same key.
/// </summary>
public static class AdditionalPropertyNames
{
    /// <summary>Request: <see cref="ImageGenerationRequest.Seed"/> (an integer).</summary>
    public const string Seed = "seed";

    /// <summary>Request: <see cref="ImageGenerationRequest.NegativePrompt"/> (a string).</summary>
    public const string NegativePrompt = "negative_prompt";

    /// <summary>Request: <see cref="ImageGenerationRequest.AspectRatio"/> (an <see cref="UnifiedImageGen.AspectRatio"/> or a string such as <c>"16:9"</c>).</summary>
    public const string AspectRatio = "aspect_ratio";

    /// <summary>Request: <see cref="ImageGenerationRequest.Quality"/> (an <see cref="ImageQuality"/> or a string such as <c>"high"</c>).</summary>
    public const string Quality = "quality";

    /// <summary>Request: <see cref="ImageGenerationRequest.Style"/> (a string).</summary>
    public const string Style = "style";

    /// <summary>Request: <see cref="ImageGenerationRequest.User"/> (a string).</summary>
    public const string User = "user";

    /// <summary>Request: <see cref="ImageGenerationRequest.Steps"/> (an integer).</summary>
    public const string Steps = "steps";

    /// <summary>Request: <see cref="ImageGenerationRequest.GuidanceScale"/> (a number).</summary>
    public const string GuidanceScale = "guidance_scale";

    /// <summary>Request: <see cref="ImageGenerationRequest.Strength"/> (a number from 0 to 1).</summary>
    public const string Strength = "strength";

    /// <summary>Request: <see cref="ImageGenerationRequest.Operation"/> (an <see cref="ImageOperation"/> or its name, such as <c>"Upscale"</c>).</summary>
    public const string Operation = "operation";

    /// <summary>Request: <see cref="ImageGenerationRequest.Mask"/> (a <c>DataContent</c>, a <c>UriContent</c> or an <see cref="ImageInput"/>).</summary>
    public const string Mask = "mask";

    /// <summary>Request: <see cref="ImageGenerationRequest.Loras"/> (a sequence of <see cref="LoraWeight"/>).</summary>
    public const string Loras = "loras";

    /// <summary>
    /// Request: entries to add to <see cref="ImageGenerationRequest.ProviderOptions"/> (a dictionary from provider
    /// name to that provider's options object or <c>JsonObject</c>).
    /// </summary>
    public const string ProviderOptions = "provider_options";

    /// <summary>Response: the provider that made the image, such as <c>"openai"</c>.</summary>
    public const string Provider = "provider";

    /// <summary>Response: the model that made the image.</summary>
    public const string Model = "model";

    /// <summary>Response: the provider's id for the request or job.</summary>
    public const string ProviderRequestId = "provider_request_id";

    /// <summary>Response: what the call cost in US dollars (a decimal), reported where known, else estimated.</summary>
    public const string CostUsd = "cost_usd";

    /// <summary>Response: how the cost was reached, such as <c>"per image, 1024x1024, hd"</c>.</summary>
    public const string CostBasis = "cost_basis";

    /// <summary>Response: the warnings of the call (an array of messages).</summary>
    public const string Warnings = "warnings";

    /// <summary>Response: whether the images came from a cache (a boolean).</summary>
    public const string FromCache = "from_cache";

    /// <summary>Response: the prompt the provider actually used, when it rewrote the prompt.</summary>
    public const string RevisedPrompt = "revised_prompt";

    /// <summary>Response: the image's width in pixels.</summary>
    public const string Width = "width";

    /// <summary>Response: the image's height in pixels.</summary>
    public const string Height = "height";

    /// <summary>Response: the provider's safety flag for the image (a boolean).</summary>
    public const string ContentFlagged = "content_flagged";

    /// <summary>Response: GPU seconds the call used, for providers that bill by compute time.</summary>
    public const string ComputeSeconds = "compute_seconds";

    /// <summary>Response: provider credits the call used, for providers that bill in credits.</summary>
    public const string Credits = "credits";

    /// <summary>Usage: input tokens from images, in <c>UsageDetails.AdditionalCounts</c>.</summary>
    public const string InputImageTokens = "input_image_tokens";
}
