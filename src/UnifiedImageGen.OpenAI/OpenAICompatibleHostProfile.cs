namespace UnifiedImageGen.OpenAI;

/// <summary>
/// Which of the OpenAI request fields an OpenAI-compatible host accepts (used for models that are not OpenAI's own).
/// A field the host refuses is not sent; the request records a warning naming what was dropped or converted. Bind from
/// <c>ImageGeneration:Providers:{name}:CompatibleHost</c>, or start from <see cref="XAI"/>.
/// </summary>
public sealed class OpenAICompatibleHostProfile
{
    /// <summary>Whether the host takes <c>size</c> (<c>WxH</c>).</summary>
    /// <value><see langword="true"/>.</value>
    public bool TakesSize { get; set; } = true;

    /// <summary>Whether the host takes <c>style</c>.</summary>
    /// <value><see langword="true"/>.</value>
    public bool TakesStyle { get; set; } = true;

    /// <summary>Whether the host takes <c>quality</c>.</summary>
    /// <value><see langword="true"/>.</value>
    public bool TakesQuality { get; set; } = true;

    /// <summary>
    /// Whether the host takes <c>aspect_ratio</c> (<c>"16:9"</c>). When it does and does not take <c>size</c>, a
    /// requested size is sent as its aspect ratio (with a warning).
    /// </summary>
    /// <value><see langword="false"/>.</value>
    public bool TakesAspectRatio { get; set; }

    /// <summary>
    /// The aspect ratios the host accepts (<c>"16:9"</c>, strings so configuration binds them); empty for any. A ratio
    /// not listed is changed to the nearest listed one.
    /// </summary>
    public List<string> AspectRatios { get; set; } = [];

    /// <summary>
    /// xAI (<c>https://api.x.ai/v1/</c>): takes <c>aspect_ratio</c>, not <c>size</c>, <c>style</c> or <c>quality</c>
    /// (PROVIDERS.md 8.3 and 13.2, docs.x.ai image generation guide). Its fractional ratios (9:19.5, 19.5:9) are not
    /// listed; send them through a <c>JsonObject</c> provider option.
    /// </summary>
    /// <returns>A new profile.</returns>
    public static OpenAICompatibleHostProfile XAI() => new()
    {
        TakesSize = false,
        TakesStyle = false,
        TakesQuality = false,
        TakesAspectRatio = true,
        AspectRatios = ["1:1", "3:4", "4:3", "9:16", "16:9", "2:3", "3:2", "9:20", "20:9", "1:2", "2:1"],
    };
}
