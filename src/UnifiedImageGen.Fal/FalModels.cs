namespace UnifiedImageGen.Fal;

/// <summary>How an endpoint takes the output's shape.</summary>
internal enum FalShape
{
    /// <summary><c>image_size</c>: a named size or <c>{width, height}</c>.</summary>
    ImageSize,

    /// <summary><c>aspect_ratio</c> from a fixed list.</summary>
    AspectRatio,

    /// <summary>No shape input: the output follows the input image.</summary>
    None,
}

/// <summary>How an endpoint takes input images.</summary>
internal enum FalImages
{
    None,

    /// <summary>One <c>image_url</c> transformed with <c>strength</c> (flux/dev/image-to-image).</summary>
    ImageToImage,

    /// <summary>One required <c>image_url</c> the prompt edits (Kontext).</summary>
    Edit,

    /// <summary>An optional <c>image_url</c> the output takes after (1.1 pro ultra's image prompt).</summary>
    ImagePrompt,

    /// <summary>Required <c>image_urls</c> (FLUX.2 edit).</summary>
    List,
}

/// <summary>One fal endpoint as data: which inputs of fal-js <c>types/endpoints.ts</c> it has, and their limits.</summary>
internal sealed record FalEndpoint(string Id, FalShape Shape, FalImages Images)
{
    /// <summary><c>num_images</c> upper bound; 1 when the input has no <c>num_images</c> or no documented range.</summary>
    public int MaxImages { get; init; } = 1;

    /// <summary><c>num_inference_steps</c> upper bound; null when the input has none.</summary>
    public int? MaxSteps { get; init; }

    public bool Guidance { get; init; }

    public bool SafetyChecker { get; init; }

    public bool Acceleration { get; init; }

    public bool Loras { get; init; }

    public bool Raw { get; init; }

    /// <summary>The prompt-rewriting switch's name (<c>enhance_prompt</c>, FLUX.2 <c>enable_prompt_expansion</c>), if any.</summary>
    public string? EnhancePromptField { get; init; }

    /// <summary><c>safety_tolerance</c> ("1" strictest) upper bound; null when the input has none.</summary>
    public int? MaxSafetyTolerance { get; init; }

    public int? MaxInputImages { get; init; }

    public ImageFormat[] Formats { get; init; } = [ImageFormat.Jpeg, ImageFormat.Png];

    public ImageSizeConstraint SizeConstraint { get; init; } = new(64, 2048, 8);
}

/// <summary>
/// The fal endpoints whose inputs this package maps, from fal-js <c>libs/client/src/types/endpoints.ts</c> (fal-js @
/// 381105e; PROVIDERS.md 4.4, 13.6). Any other endpoint runs with the prompt plus provider options.
/// </summary>
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

    /// <summary>fal-ai/flux-pro/v1.1 (FLUX1.1 [pro]).</summary>
    public const string FluxProV11 = "fal-ai/flux-pro/v1.1";

    /// <summary>fal-ai/flux-pro/v1.1-ultra (FLUX1.1 [pro] ultra, up to 4 MP, optional image prompt and raw mode).</summary>
    public const string FluxProV11Ultra = "fal-ai/flux-pro/v1.1-ultra";

    /// <summary>fal-ai/flux-pro/kontext (FLUX.1 Kontext [pro]: edits one input image by prompt).</summary>
    public const string FluxProKontext = "fal-ai/flux-pro/kontext";

    /// <summary>fal-ai/flux-pro/kontext/max (FLUX.1 Kontext [max]).</summary>
    public const string FluxProKontextMax = "fal-ai/flux-pro/kontext/max";

    /// <summary>fal-ai/flux-pro/kontext/text-to-image.</summary>
    public const string FluxProKontextTextToImage = "fal-ai/flux-pro/kontext/text-to-image";

    /// <summary>fal-ai/flux-pro/kontext/max/text-to-image.</summary>
    public const string FluxProKontextMaxTextToImage = "fal-ai/flux-pro/kontext/max/text-to-image";

    /// <summary>fal-ai/flux-2 (FLUX.2 [dev]).</summary>
    public const string Flux2 = "fal-ai/flux-2";

    /// <summary>fal-ai/flux-2/edit (FLUX.2 [dev], up to 4 input images).</summary>
    public const string Flux2Edit = "fal-ai/flux-2/edit";

    /// <summary>fal-ai/flux-2-pro (FLUX.2 [pro]).</summary>
    public const string Flux2Pro = "fal-ai/flux-2-pro";

    /// <summary>fal-ai/flux-2-pro/edit (FLUX.2 [pro] with input images).</summary>
    public const string Flux2ProEdit = "fal-ai/flux-2-pro/edit";

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

    /// <summary>The <c>aspect_ratio</c> enum of 1.1 pro ultra and Kontext (FluxProV11UltraInput, FluxKontextInput).</summary>
    internal static readonly string[] RatioNames = ["21:9", "16:9", "4:3", "3:2", "1:1", "2:3", "3:4", "9:16", "9:21"];

    // FluxDevInput (FluxSchnellInput is the same type) / FluxLoraInput: num_images 1-4 (PROVIDERS.md 4.4), steps dev 1-50,
    // schnell 1-12.
    private static readonly FalEndpoint Flux1 = new(FluxDev, FalShape.ImageSize, FalImages.None)
    {
        MaxImages = 4,
        MaxSteps = 50,
        Guidance = true,
        SafetyChecker = true,
        Acceleration = true,
    };

    // FluxProKontextInput = FluxKontextInput: image_url (required), aspect_ratio, guidance_scale, safety_tolerance "1"-"6",
    // enhance_prompt, num_images (no range given), output_format jpeg|png.
    private static readonly FalEndpoint Kontext = new(FluxProKontext, FalShape.AspectRatio, FalImages.Edit)
    {
        Guidance = true,
        MaxSafetyTolerance = 6,
        EnhancePromptField = "enhance_prompt",
    };

    // Flux2Input: image_size (512-2048 per side), num_images, num_inference_steps (default 28, no range given),
    // guidance_scale, acceleration, enable_prompt_expansion, enable_safety_checker, output_format jpeg|png|webp.
    private static readonly FalEndpoint Flux2Dev = new(Flux2, FalShape.ImageSize, FalImages.None)
    {
        MaxSteps = 50,
        Guidance = true,
        Acceleration = true,
        SafetyChecker = true,
        EnhancePromptField = "enable_prompt_expansion",
        Formats = [ImageFormat.Jpeg, ImageFormat.Png, ImageFormat.Webp],
        SizeConstraint = new(512, 2048, 8),
    };

    // Flux2ProInput = Flux2MaxInput: image_size, seed, safety_tolerance "1"-"5", enable_safety_checker, output_format
    // jpeg|png; no num_images, steps or guidance.
    private static readonly FalEndpoint Flux2ProText = new(Flux2Pro, FalShape.ImageSize, FalImages.None)
    {
        SafetyChecker = true,
        MaxSafetyTolerance = 5,
    };

    internal static readonly FalEndpoint[] Endpoints =
    [
        Flux1 with { Id = FluxSchnell, MaxSteps = 12 },
        Flux1,
        // flux/dev/image-to-image has no image_size: the output keeps the input image's size (PROVIDERS.md 13.6).
        Flux1 with { Id = FluxDevImageToImage, Shape = FalShape.None, Images = FalImages.ImageToImage },
        Flux1 with { Id = FluxLora, Loras = true },
        // FluxProV11Input: image_size, num_images (no range given), safety_tolerance "1"-"6", enhance_prompt, jpeg|png.
        new(FluxProV11, FalShape.ImageSize, FalImages.None) { MaxSafetyTolerance = 6, EnhancePromptField = "enhance_prompt" },
        // FluxProV11UltraInput: aspect_ratio, optional image_url + image_prompt_strength, raw, safety_tolerance "1"-"6".
        new(FluxProV11Ultra, FalShape.AspectRatio, FalImages.ImagePrompt) { Raw = true, MaxSafetyTolerance = 6, EnhancePromptField = "enhance_prompt" },
        Kontext,
        Kontext with { Id = FluxProKontextMax },
        // FluxProKontextTextToImageInput (and the max variant): Kontext without image_url.
        Kontext with { Id = FluxProKontextTextToImage, Images = FalImages.None },
        Kontext with { Id = FluxProKontextMaxTextToImage, Images = FalImages.None },
        Flux2Dev,
        // Flux2EditInput: Flux2Input plus image_urls, "a maximum of 4 images"; image_size optional.
        Flux2Dev with { Id = Flux2Edit, Images = FalImages.List, MaxInputImages = 4 },
        Flux2ProText,
        // Flux2ProEditInput = Flux2MaxEditInput: Flux2MaxInput plus image_urls (no maximum given); image_size "auto" by default.
        Flux2ProText with { Id = Flux2ProEdit, Images = FalImages.List },
    ];

    private const ImageCapabilities Queue = ImageCapabilities.Progress | ImageCapabilities.Webhooks | ImageCapabilities.ServerCancellation;

    /// <summary>Every mapped endpoint.</summary>
    public static IReadOnlyList<ImageModelDescriptor> All { get; } = [.. Endpoints.Select(Describe)];

    internal static FalEndpoint? Find(string endpoint) => Endpoints.FirstOrDefault(e => string.Equals(e.Id, endpoint, StringComparison.OrdinalIgnoreCase));

    /// <summary>Unmapped endpoints: one image a call, anything through provider options.</summary>
    internal static ImageModelDescriptor Unknown(string endpoint) => new(endpoint, ImageCapabilities.All) { MaxImagesPerCall = 1 };

    private static ImageModelDescriptor Describe(FalEndpoint e)
    {
        var capabilities = Queue | ImageCapabilities.Seed | e.Images switch
        {
            FalImages.None => ImageCapabilities.TextToImage,
            FalImages.ImageToImage or FalImages.Edit => ImageCapabilities.ImageToImage,
            FalImages.ImagePrompt => ImageCapabilities.TextToImage | ImageCapabilities.ImageToImage,
            _ => ImageCapabilities.ImageToImage | ImageCapabilities.MultipleInputImages,
        };
        capabilities |= (e.MaxSteps is not null || e.Guidance ? ImageCapabilities.StepsAndGuidance : 0) | (e.Loras ? ImageCapabilities.Lora : 0);
        return new ImageModelDescriptor(e.Id, capabilities)
        {
            MaxImagesPerCall = e.MaxImages,
            SizeConstraint = e.Shape == FalShape.ImageSize ? e.SizeConstraint : null,
            SupportedAspectRatios = e.Shape == FalShape.AspectRatio ? [.. RatioNames.Select(AspectRatio.Parse)] : [],
            SupportedFormats = e.Formats,
            MaxInputImages = e.MaxInputImages,
        };
    }
}
