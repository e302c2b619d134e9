namespace UnifiedImageGen.Replicate;

/// <summary>How this package maps the unified request onto a model's inputs.</summary>
internal enum ReplicateInputMapping
{
    /// <summary>Only the prompt, plus the caller's JSON inputs.</summary>
    Generic,

    /// <summary>black-forest-labs/flux-schnell (and its LoRA variant).</summary>
    FluxSchnell,

    /// <summary>black-forest-labs/flux-dev (and its LoRA variant).</summary>
    FluxDev,

    /// <summary>black-forest-labs/flux-1.1-pro.</summary>
    FluxPro,
}

/// <summary>The Replicate models whose inputs this package maps (PROVIDERS.md 3.6), as data. Any other model runs with the prompt plus provider options.</summary>
public static class ReplicateModels
{
    /// <summary>black-forest-labs/flux-schnell, the default: fast, 1-4 steps.</summary>
    public const string FluxSchnell = "black-forest-labs/flux-schnell";

    /// <summary>black-forest-labs/flux-dev.</summary>
    public const string FluxDev = "black-forest-labs/flux-dev";

    /// <summary>black-forest-labs/flux-1.1-pro.</summary>
    public const string FluxPro11 = "black-forest-labs/flux-1.1-pro";

    /// <summary>black-forest-labs/flux-schnell-lora.</summary>
    public const string FluxSchnellLora = "black-forest-labs/flux-schnell-lora";

    /// <summary>black-forest-labs/flux-dev-lora.</summary>
    public const string FluxDevLora = "black-forest-labs/flux-dev-lora";

    internal static readonly AspectRatio[] FluxRatios =
        [new(1, 1), new(16, 9), new(21, 9), new(3, 2), new(2, 3), new(4, 5), new(5, 4), new(3, 4), new(4, 3), new(9, 16), new(9, 21)];

    private static readonly ImageFormat[] FluxFormats = [ImageFormat.Webp, ImageFormat.Jpeg, ImageFormat.Png];

    private static readonly ImageCapabilities Flux = ImageCapabilities.TextToImage | ImageCapabilities.Seed | ImageCapabilities.ServerCancellation | ImageCapabilities.Webhooks | ImageCapabilities.Progress;

    /// <summary>Every mapped model.</summary>
    public static IReadOnlyList<ImageModelDescriptor> All { get; } =
    [
        Schnell(FluxSchnell),
        Schnell(FluxSchnellLora) with { Capabilities = Flux | ImageCapabilities.StepsAndGuidance | ImageCapabilities.Lora },
        Dev(FluxDev),
        Dev(FluxDevLora) with { Capabilities = Flux | ImageCapabilities.StepsAndGuidance | ImageCapabilities.ImageToImage | ImageCapabilities.Lora },
        new ImageModelDescriptor(FluxPro11, Flux)
        {
            MaxImagesPerCall = 1,
            SupportedAspectRatios = FluxRatios,
            SizeConstraint = new ImageSizeConstraint(256, 1440, 32),
            SupportedFormats = FluxFormats,
        },
    ];

    internal static ReplicateInputMapping MappingOf(string model) => model.ToLowerInvariant() switch
    {
        FluxSchnell or FluxSchnellLora => ReplicateInputMapping.FluxSchnell,
        FluxDev or FluxDevLora => ReplicateInputMapping.FluxDev,
        FluxPro11 => ReplicateInputMapping.FluxPro,
        _ => ReplicateInputMapping.Generic,
    };

    /// <summary>Unmapped models: anything goes through provider options; one image a call, as their inputs are unknown.</summary>
    internal static ImageModelDescriptor Unknown(string model) =>
        new(model, ImageCapabilities.All) { MaxImagesPerCall = 1 };

    private static ImageModelDescriptor Schnell(string id) => new(id, Flux | ImageCapabilities.StepsAndGuidance)
    {
        MaxImagesPerCall = 4,
        SupportedAspectRatios = FluxRatios,
        SupportedFormats = FluxFormats,
    };

    private static ImageModelDescriptor Dev(string id) => new(id, Flux | ImageCapabilities.StepsAndGuidance | ImageCapabilities.ImageToImage)
    {
        MaxImagesPerCall = 4,
        SupportedAspectRatios = FluxRatios,
        SupportedFormats = FluxFormats,
    };
}
