namespace UnifiedImageGen.BlackForestLabs;

/// <summary>How a BFL endpoint takes its inputs (PROVIDERS.md 5.3).</summary>
internal enum BflKind
{
    Pro11,
    Dev,
    Ultra,
    Fill,
    Expand,
    Kontext,
    Flux2,
    Flux2Flex,
    Flux2Klein,
}

/// <summary>The BFL endpoints as models (one path per model: <c>POST /v1/{model}</c>), as data. Unknown ids are sent to <c>/v1/{id}</c> with FLUX.2-style inputs.</summary>
public static class BlackForestLabsModels
{
    /// <summary>FLUX1.1 [pro], the default.</summary>
    public const string FluxPro11 = "flux-pro-1.1";

    internal static readonly (string Id, BflKind Kind)[] Table =
    [
        (FluxPro11, BflKind.Pro11),
        ("flux-pro-1.1-ultra", BflKind.Ultra),
        ("flux-dev", BflKind.Dev),
        ("flux-pro-1.0-fill", BflKind.Fill),
        ("flux-pro-1.0-expand", BflKind.Expand),
        ("flux-kontext-pro", BflKind.Kontext),
        ("flux-kontext-max", BflKind.Kontext),
        ("flux-2-pro", BflKind.Flux2),
        ("flux-2-pro-preview", BflKind.Flux2),
        ("flux-2-max", BflKind.Flux2),
        ("flux-2-flex", BflKind.Flux2Flex),
        ("flux-2-klein-4b", BflKind.Flux2Klein),
        ("flux-2-klein-9b", BflKind.Flux2Klein),
        ("flux-2-klein-9b-preview", BflKind.Flux2Klein),
    ];

    private static readonly ImageFormat[] Formats = [ImageFormat.Jpeg, ImageFormat.Png, ImageFormat.Webp];
    private const ImageCapabilities Job = ImageCapabilities.Seed | ImageCapabilities.Progress | ImageCapabilities.PartialImages | ImageCapabilities.Webhooks;

    /// <summary>Every model.</summary>
    public static IReadOnlyList<ImageModelDescriptor> All { get; } = Table.Select(t => Describe(t.Id, t.Kind)).ToArray();

    internal static BflKind KindOf(string model) =>
        Table.FirstOrDefault(t => string.Equals(t.Id, model, StringComparison.OrdinalIgnoreCase)) is { Id: not null } found ? found.Kind : BflKind.Flux2;

    internal static ImageModelDescriptor Describe(string id, BflKind kind)
    {
        var descriptor = new ImageModelDescriptor(id, Job) { MaxImagesPerCall = 1, SupportedFormats = Formats };
        return kind switch
        {
            BflKind.Pro11 => descriptor with { Capabilities = Job | ImageCapabilities.TextToImage, SizeConstraint = new ImageSizeConstraint(256, 1440, 32) },
            BflKind.Dev => descriptor with { Capabilities = Job | ImageCapabilities.TextToImage | ImageCapabilities.StepsAndGuidance, SizeConstraint = new ImageSizeConstraint(256, 1440, 32) },
            BflKind.Ultra => descriptor with { Capabilities = Job | ImageCapabilities.TextToImage | ImageCapabilities.ImageToImage },
            BflKind.Fill => descriptor with { Capabilities = Job | ImageCapabilities.Inpainting | ImageCapabilities.StepsAndGuidance },
            BflKind.Expand => descriptor with { Capabilities = Job | ImageCapabilities.Outpainting | ImageCapabilities.StepsAndGuidance },
            BflKind.Kontext => descriptor with { Capabilities = Job | ImageCapabilities.TextToImage | ImageCapabilities.ImageToImage | ImageCapabilities.MultipleInputImages, MaxInputImages = 4 },
            BflKind.Flux2Flex => descriptor with { Capabilities = Job | ImageCapabilities.TextToImage | ImageCapabilities.ImageToImage | ImageCapabilities.MultipleInputImages | ImageCapabilities.StepsAndGuidance, MaxInputImages = 8, SizeConstraint = new ImageSizeConstraint(64, 4096, 16) },
            BflKind.Flux2Klein => descriptor with { Capabilities = Job | ImageCapabilities.TextToImage | ImageCapabilities.ImageToImage | ImageCapabilities.MultipleInputImages, MaxInputImages = 4, SizeConstraint = new ImageSizeConstraint(64, 4096, 16) },
            _ => descriptor with { Capabilities = Job | ImageCapabilities.TextToImage | ImageCapabilities.ImageToImage | ImageCapabilities.MultipleInputImages, MaxInputImages = 8, SizeConstraint = new ImageSizeConstraint(64, 4096, 16) },
        };
    }
}
