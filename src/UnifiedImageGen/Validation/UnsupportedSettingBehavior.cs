namespace UnifiedImageGen;

/// <summary>What a generator does with a setting its model does not support.</summary>
public enum UnsupportedSettingBehavior
{
    /// <summary>Drop it or use the nearest supported value, and record an <see cref="ImageGenerationWarning"/> naming both values.</summary>
    Warn = 0,

    /// <summary>Throw <see cref="ImageGenerationException"/> of kind <see cref="ImageGenerationErrorKind.InvalidRequest"/> before any network call.</summary>
    Throw,
}
