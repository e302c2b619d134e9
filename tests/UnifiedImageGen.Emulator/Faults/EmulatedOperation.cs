namespace UnifiedImageGen.Emulator.Faults;

/// <summary>The kinds of exchange a provider has; faults and counts are kept per provider and operation.</summary>
public enum EmulatedOperation
{
    /// <summary>The billable request that starts work (a generation, a prediction, a queue submit).</summary>
    Submit,

    /// <summary>A job status read.</summary>
    Poll,

    /// <summary>A finished job's result read (fal's response URL).</summary>
    Result,

    /// <summary>A job cancel.</summary>
    Cancel,

    /// <summary>An image download from a URL the emulator handed out (or ComfyUI's <c>/view</c>).</summary>
    Download,

    /// <summary>An access-token request to the provider's identity service (Adobe IMS); neither billable nor a job read.</summary>
    Token,

    /// <summary>An input image upload to the provider's storage (Firefly's <c>/v2/storage/image</c>); not billable.</summary>
    Upload,
}
