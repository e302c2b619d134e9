namespace UnifiedImageGen;

/// <summary>What a model can do. Drives validation, warnings and which routes a router may use.</summary>
[Flags]
#pragma warning disable CA1711 // "Flags" is the right suffix for a [Flags] enum's meaning here.
public enum ImageCapabilities : long
#pragma warning restore CA1711
{
    /// <summary>Nothing.</summary>
    None = 0,

    /// <summary>Text-to-image.</summary>
    TextToImage = 1 << 0,

    /// <summary>Image-to-image from one input image.</summary>
    ImageToImage = 1 << 1,

    /// <summary>Masked edits.</summary>
    Inpainting = 1 << 2,

    /// <summary>Extending an image beyond its borders.</summary>
    Outpainting = 1 << 3,

    /// <summary>Variations of an input image without a prompt.</summary>
    Variations = 1 << 4,

    /// <summary>Enlarging an image.</summary>
    Upscale = 1 << 5,

    /// <summary>Removing the background.</summary>
    BackgroundRemoval = 1 << 6,

    /// <summary>A negative prompt.</summary>
    NegativePrompt = 1 << 7,

    /// <summary>A fixed seed.</summary>
    Seed = 1 << 8,

    /// <summary>LoRA adapters.</summary>
    Lora = 1 << 9,

    /// <summary>A transparent background in the output.</summary>
    TransparentBackground = 1 << 10,

    /// <summary>Several input images in one call (references, compositing).</summary>
    MultipleInputImages = 1 << 11,

    /// <summary>Progress reports while the image is made.</summary>
    Progress = 1 << 12,

    /// <summary>Partial (preview) images while the image is made.</summary>
    PartialImages = 1 << 13,

    /// <summary>Completion webhooks.</summary>
    Webhooks = 1 << 14,

    /// <summary>Cancelling a running job at the provider.</summary>
    ServerCancellation = 1 << 15,

    /// <summary>Diffusion steps and guidance scale.</summary>
    StepsAndGuidance = 1 << 16,

    /// <summary>Every capability; what an unknown model is assumed to have.</summary>
    All = (1 << 17) - 1,
}
