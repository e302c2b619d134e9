using System.Text;

namespace UnifiedImageGen;

/// <summary>
/// What to generate. Immutable: derive variants with <c>with</c>. Only <see cref="Prompt"/> (or an input image for
/// prompt-less operations) is needed; everything else falls back to the model's defaults.
/// </summary>
public sealed record ImageGenerationRequest
{
    /// <summary>Creates an empty request; set <see cref="Prompt"/> and the rest with an object initializer.</summary>
    public ImageGenerationRequest()
    {
    }

    /// <summary>Creates a text-to-image request.</summary>
    /// <param name="prompt">What the image should show.</param>
    public ImageGenerationRequest(string prompt) => Prompt = prompt;

    /// <summary>What the image should show. Required for <see cref="ImageOperation.Generate"/>.</summary>
    public string? Prompt { get; init; }

    /// <summary>The kind of work; <see cref="ImageOperation.Generate"/> by default.</summary>
    public ImageOperation Operation { get; init; } = ImageOperation.Generate;

    /// <summary>The model id, or <see langword="null"/> for the provider's default model.</summary>
    public string? Model { get; init; }

    /// <summary>How many images to make, 1 by default. Counts above a model's per-call limit are split into several calls.</summary>
    public int Count { get; init; } = 1;

    /// <summary>The pixel size; models with a fixed set of sizes get the nearest one (see <see cref="UnsupportedSettingBehavior"/>).</summary>
    public ImageSize? Size { get; init; }

    /// <summary>The shape, for providers that take a ratio instead of a size.</summary>
    public AspectRatio? AspectRatio { get; init; }

    /// <summary>What the image should not show.</summary>
    public string? NegativePrompt { get; init; }

    /// <summary>A seed for reproducible results where the model supports one.</summary>
    public long? Seed { get; init; }

    /// <summary>The quality level.</summary>
    public ImageQuality? Quality { get; init; }

    /// <summary>A style name the provider knows (DALL-E 3 <c>vivid</c>/<c>natural</c>, Ideogram and Stability presets, ...).</summary>
    public string? Style { get; init; }

    /// <summary>The encoded format of the result.</summary>
    public ImageFormat? OutputFormat { get; init; }

    /// <summary>Input images for edits, image-to-image, variations, upscales and references.</summary>
    public IReadOnlyList<ImageInput> InputImages { get; init; } = [];

    /// <summary>The mask for <see cref="ImageOperation.Inpaint"/>: transparent (or white, per provider) where to repaint.</summary>
    public ImageInput? Mask { get; init; }

    /// <summary>How far image-to-image may move from the input, 0 to 1.</summary>
    public double? Strength { get; init; }

    /// <summary>LoRA adapters to apply.</summary>
    public IReadOnlyList<LoraWeight> Loras { get; init; } = [];

    /// <summary>Diffusion steps.</summary>
    public int? Steps { get; init; }

    /// <summary>Classifier-free guidance scale.</summary>
    public double? GuidanceScale { get; init; }

    /// <summary>
    /// Options for specific providers, keyed by provider name (<c>"openai"</c>, <c>"fal"</c>, ...). A value is that
    /// provider's typed options object (such as <c>OpenAIRequestOptions</c>) or a <see cref="System.Text.Json.Nodes.JsonObject"/>
    /// merged into its request body. Each provider reads only its own key, so one request carries options for every
    /// route of a fallback chain.
    /// </summary>
    public IReadOnlyDictionary<string, object>? ProviderOptions { get; init; }

    /// <summary>The end user the request is made for: passed to providers for abuse attribution and used for per-user budgets.</summary>
    public string? User { get; init; }

    /// <summary>Returns a copy with <paramref name="options"/> set for <paramref name="providerName"/> (other providers' options are kept).</summary>
    /// <param name="providerName">The provider name, such as <c>"openai"</c>.</param>
    /// <param name="options">A typed options object or a <see cref="System.Text.Json.Nodes.JsonObject"/>.</param>
    /// <exception cref="ArgumentException"><paramref name="providerName"/> is empty.</exception>
    public ImageGenerationRequest WithProviderOptions(string providerName, object options)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(providerName);
        ArgumentNullException.ThrowIfNull(options);
        var merged = ProviderOptions is null
            ? new Dictionary<string, object>(StringComparer.OrdinalIgnoreCase)
            : new Dictionary<string, object>(ProviderOptions, StringComparer.OrdinalIgnoreCase);
        merged[providerName] = options;
        return this with { ProviderOptions = merged };
    }

    /// <summary>Returns the options for <paramref name="providerName"/> if they are of type <typeparamref name="T"/>.</summary>
    /// <typeparam name="T">The typed options class, or <see cref="System.Text.Json.Nodes.JsonObject"/>.</typeparam>
    /// <param name="providerName">The provider name.</param>
    public T? GetProviderOptions<T>(string providerName)
        where T : class
    {
        if (ProviderOptions is null)
        {
            return null;
        }

        if (ProviderOptions.TryGetValue(providerName, out var value))
        {
            return value as T;
        }

        foreach (var pair in ProviderOptions)
        {
            if (string.Equals(pair.Key, providerName, StringComparison.OrdinalIgnoreCase))
            {
                return pair.Value as T;
            }
        }

        return null;
    }

    // The prompt is user content: records print every property, so keep it (and image bytes) out of ToString.
    private bool PrintMembers(StringBuilder builder)
    {
        builder.Append("Operation = ").Append(Operation);
        builder.Append(", Model = ").Append(Model ?? "(default)");
        builder.Append(", Count = ").Append(Count);
        builder.Append(", PromptLength = ").Append(Prompt?.Length ?? 0);
        if (Size is { } size)
        {
            builder.Append(", Size = ").Append(size);
        }

        if (AspectRatio is { } ratio)
        {
            builder.Append(", AspectRatio = ").Append(ratio);
        }

        if (Seed is { } seed)
        {
            builder.Append(", Seed = ").Append(seed);
        }

        if (Quality is { } quality)
        {
            builder.Append(", Quality = ").Append(quality);
        }

        if (OutputFormat is { } format)
        {
            builder.Append(", OutputFormat = ").Append(format);
        }

        builder.Append(", InputImages = ").Append(InputImages.Count);
        builder.Append(", Mask = ").Append(Mask is not null);
        return true;
    }
}
