namespace UnifiedImageGen.Ideogram;

/// <summary>Options of <see cref="IdeogramImageGenerator"/>; bind from <c>ImageGeneration:Providers:ideogram</c>.</summary>
public sealed class IdeogramImageGeneratorOptions : ImageGeneratorOptionsBase
{
    /// <summary>The Ideogram API host.</summary>
    public static readonly Uri DefaultEndpoint = new("https://api.ideogram.ai/");

    /// <summary>Creates options for api.ideogram.ai.</summary>
    public IdeogramImageGeneratorOptions()
        : base(DefaultEndpoint)
    {
    }
}
