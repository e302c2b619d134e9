namespace UnifiedImageGen.Fal;

/// <summary>The fal endpoints whose inputs this package maps (PROVIDERS.md 4.4), as data. Any other endpoint runs with the prompt plus provider options.</summary>
public static class FalModels
{
    /// <summary>fal-ai/flux/schnell.</summary>
    public const string FluxSchnell = "fal-ai/flux/schnell";

    /// <summary>fal-ai/flux/dev, the default.</summary>
    public const string FluxDev = "fal-ai/flux/dev";

    /// <summary>fal-ai/flux/dev/image-to-image.</summary>
    public const string FluxDevImageToImage = "fal-ai/flux/dev/image-to-image";

    /// <summary>fal-ai/flux-lora.</summary>
    public const string FluxLora = "fal-ai/flux-lora";

    /// <summary>fal's named sizes, with their pixel sizes.</summary>
    internal static readonly (string Name, ImageSize Size)[] NamedSizes =
    [
        ("square_hd", new(1024, 1024)),
        ("square", new(512, 512)),
        ("portrait_4_3", new(768, 1024)),
        ("portrait_16_9", new(576, 1024)),
        ("landscape_4_3", new(1024, 768)),
        ("landscape_16_9", new(1024, 576)),
    ];

    private static readonly ImageCapabilities Flux = ImageCapabilities.TextToImage | ImageCapabilities.Seed | ImageCapabilities.StepsAndGuidance
        | ImageCapabilities.Progress | ImageCapabilities.Webhooks | ImageCapabilities.ServerCancellation;

    /// <summary>Every mapped endpoint.</summary>
    public static IReadOnlyList<ImageModelDescriptor> All { get; } =
    [
        Model(FluxSchnell, Flux),
        Model(FluxDev, Flux),
        Model(FluxDevImageToImage, (Flux & ~ImageCapabilities.TextToImage) | ImageCapabilities.ImageToImage),
        Model(FluxLora, Flux | ImageCapabilities.Lora),
    ];

    internal static bool IsMapped(string endpoint) => All.Any(m => string.Equals(m.Id, endpoint, StringComparison.OrdinalIgnoreCase));

    // fal-js endpoints.ts: the image-to-image input has no image_size (PROVIDERS.md 13.6).
    internal static bool TakesImageSize(string endpoint) => !string.Equals(endpoint, FluxDevImageToImage, StringComparison.OrdinalIgnoreCase);

    internal static int MaxSteps(string endpoint) => string.Equals(endpoint, FluxSchnell, StringComparison.OrdinalIgnoreCase) ? 12 : 50;

    /// <summary>Unmapped endpoints: one image a call, anything through provider options.</summary>
    internal static ImageModelDescriptor Unknown(string endpoint) => new(endpoint, ImageCapabilities.All) { MaxImagesPerCall = 1 };

    private static ImageModelDescriptor Model(string id, ImageCapabilities capabilities) => new(id, capabilities)
    {
        MaxImagesPerCall = 4,
        SizeConstraint = new ImageSizeConstraint(64, 2048, 8),
        SupportedFormats = [ImageFormat.Jpeg, ImageFormat.Png],
    };
}
