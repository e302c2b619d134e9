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

    /// <summary>black-forest-labs/flux-1.1-pro-ultra.</summary>
    FluxUltra,

    /// <summary>black-forest-labs/flux-kontext-pro and -max.</summary>
    Kontext,

    /// <summary>black-forest-labs/flux-2-pro.</summary>
    Flux2Pro,

    /// <summary>black-forest-labs/flux-2-dev.</summary>
    Flux2Dev,
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

    /// <summary>black-forest-labs/flux-1.1-pro-ultra: up to 4 MP, <c>raw</c> mode, an optional image prompt (Redux).</summary>
    public const string FluxPro11Ultra = "black-forest-labs/flux-1.1-pro-ultra";

    /// <summary>black-forest-labs/flux-kontext-pro: text-guided editing of one input image (or text-to-image).</summary>
    public const string FluxKontextPro = "black-forest-labs/flux-kontext-pro";

    /// <summary>black-forest-labs/flux-kontext-max: as Kontext pro, higher quality.</summary>
    public const string FluxKontextMax = "black-forest-labs/flux-kontext-max";

    /// <summary>black-forest-labs/flux-2-pro: generation and editing with up to 8 reference images.</summary>
    public const string Flux2Pro = "black-forest-labs/flux-2-pro";

    /// <summary>black-forest-labs/flux-2-dev: generation and editing with up to 4 reference images.</summary>
    public const string Flux2Dev = "black-forest-labs/flux-2-dev";

    internal static readonly AspectRatio[] FluxRatios =
        [new(1, 1), new(16, 9), new(21, 9), new(3, 2), new(2, 3), new(4, 5), new(5, 4), new(3, 4), new(4, 3), new(9, 16), new(9, 21)];

    private static readonly ImageFormat[] FluxFormats = [ImageFormat.Webp, ImageFormat.Jpeg, ImageFormat.Png];

    private static readonly ImageCapabilities Flux = ImageCapabilities.TextToImage | ImageCapabilities.Seed | ImageCapabilities.ServerCancellation | ImageCapabilities.Webhooks | ImageCapabilities.Progress;

    // The models below run on Black Forest Labs' API behind Replicate: no step logs to read progress from.
    private static readonly ImageCapabilities Hosted = ImageCapabilities.TextToImage | ImageCapabilities.Seed | ImageCapabilities.ServerCancellation | ImageCapabilities.Webhooks;

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

        // Inputs of the models below: Replicate's model API pages (README "Sources"); what they leave open is in the
        // README's "Unconfirmed" list and is passed through unchecked rather than guessed.
        new ImageModelDescriptor(FluxPro11Ultra, Hosted | ImageCapabilities.ImageToImage)
        {
            MaxImagesPerCall = 1,
            MaxInputImages = 1,
            SupportedFormats = [ImageFormat.Jpeg, ImageFormat.Png],
        },
        Kontext(FluxKontextPro),
        Kontext(FluxKontextMax),
        new ImageModelDescriptor(Flux2Pro, Hosted | ImageCapabilities.ImageToImage | ImageCapabilities.MultipleInputImages)
        {
            MaxImagesPerCall = 1,
            MaxInputImages = 8,
            SizeConstraint = new ImageSizeConstraint(256, 2048, 32),
        },
        new ImageModelDescriptor(Flux2Dev, Hosted | ImageCapabilities.ImageToImage | ImageCapabilities.MultipleInputImages)
        {
            MaxImagesPerCall = 1,
            MaxInputImages = 4,
            SizeConstraint = new ImageSizeConstraint(256, 1440, 32),
        },
    ];

    internal static ReplicateInputMapping MappingOf(string model) => model.ToLowerInvariant() switch
    {
        FluxSchnell or FluxSchnellLora => ReplicateInputMapping.FluxSchnell,
        FluxDev or FluxDevLora => ReplicateInputMapping.FluxDev,
        FluxPro11 => ReplicateInputMapping.FluxPro,
        FluxPro11Ultra => ReplicateInputMapping.FluxUltra,
        FluxKontextPro or FluxKontextMax => ReplicateInputMapping.Kontext,
        Flux2Pro => ReplicateInputMapping.Flux2Pro,
        Flux2Dev => ReplicateInputMapping.Flux2Dev,
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

    private static ImageModelDescriptor Kontext(string id) => new(id, Hosted | ImageCapabilities.ImageToImage)
    {
        MaxImagesPerCall = 1,
        MaxInputImages = 1,
    };

    private static ImageModelDescriptor Dev(string id) => new(id, Flux | ImageCapabilities.StepsAndGuidance | ImageCapabilities.ImageToImage)
    {
        MaxImagesPerCall = 4,
        SupportedAspectRatios = FluxRatios,
        SupportedFormats = FluxFormats,
    };
}
