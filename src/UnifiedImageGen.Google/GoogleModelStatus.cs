namespace UnifiedImageGen.Google;

/// <summary>Where a Google model is in its life.</summary>
public enum GoogleModelStatus
{
    /// <summary>A preview: may change or be shut down at short notice.</summary>
    Preview,

    /// <summary>Generally available.</summary>
    GenerallyAvailable,

    /// <summary>Announced for shut-down; still answers.</summary>
    Deprecated,

    /// <summary>Shut down: calls answer 404 NOT_FOUND.</summary>
    ShutDown,
}
