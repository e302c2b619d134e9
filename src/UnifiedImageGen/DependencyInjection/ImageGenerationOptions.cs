namespace UnifiedImageGen.DependencyInjection;

/// <summary>Top-level settings, bound from the <c>ImageGeneration</c> configuration section.</summary>
public sealed class ImageGenerationOptions
{
    /// <summary>The provider the default <see cref="IImageGenerator"/> uses; the first registered provider when null.</summary>
    public string? DefaultProvider { get; set; }
}
