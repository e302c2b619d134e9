namespace UnifiedImageGen;

/// <summary>The kind of work an <see cref="ImageGenerationRequest"/> asks for.</summary>
public enum ImageOperation
{
    /// <summary>Text-to-image: a prompt and no input image.</summary>
    Generate = 0,

    /// <summary>Transform <see cref="ImageGenerationRequest.InputImages"/> guided by the prompt (and <see cref="ImageGenerationRequest.Strength"/>).</summary>
    ImageToImage,

    /// <summary>Repaint the area of the input image chosen by <see cref="ImageGenerationRequest.Mask"/> (or its alpha channel).</summary>
    Inpaint,

    /// <summary>Extend the input image beyond its borders.</summary>
    Outpaint,

    /// <summary>Make variations of the input image without a prompt.</summary>
    Variation,

    /// <summary>Enlarge the input image.</summary>
    Upscale,

    /// <summary>Remove the background of the input image.</summary>
    RemoveBackground,
}
