namespace UnifiedImageGen.Placeholder;

/// <summary>Options of the offline <see cref="PlaceholderImageGenerator"/>; binds from <c>ImageGeneration:Providers:placeholder</c>.</summary>
public sealed class PlaceholderImageGeneratorOptions
{
    /// <summary>The width when a request gives no size or ratio.</summary>
    /// <value>1024.</value>
    public int DefaultWidth { get; set; } = 1024;

    /// <summary>The height when a request gives no size or ratio.</summary>
    /// <value>1024.</value>
    public int DefaultHeight { get; set; } = 1024;

    /// <summary>Whether to draw the prompt's first words on the image, so a placeholder shows what it stands for.</summary>
    /// <value><see langword="true"/>.</value>
    public bool DrawCaption { get; set; } = true;

    /// <summary>What to do with a setting the placeholder model lacks.</summary>
    /// <value><see cref="UnifiedImageGen.UnsupportedSettingBehavior.Warn"/>.</value>
    public UnsupportedSettingBehavior UnsupportedSettingBehavior { get; set; }

    /// <summary>Checks the values and returns what is wrong, naming each configuration key.</summary>
    /// <param name="configurationPath">Where the options bind from.</param>
    public IEnumerable<string> Validate(string configurationPath)
    {
        if (DefaultWidth is < 16 or > PlaceholderImageGenerator.MaxSide || DefaultHeight is < 16 or > PlaceholderImageGenerator.MaxSide)
        {
            yield return $"{configurationPath}:DefaultWidth and DefaultHeight must be between 16 and {PlaceholderImageGenerator.MaxSide}.";
        }
    }
}
