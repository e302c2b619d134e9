namespace UnifiedImageGen.Google;

/// <summary>One model's lifecycle: status, the shut-down date and the recommended replacement.</summary>
/// <param name="Id">The model id.</param>
/// <param name="Status">The status.</param>
/// <param name="ShutDownOn">The shut-down date, when announced.</param>
/// <param name="Replacement">The model Google recommends instead, if any.</param>
public sealed record GoogleModelLifecycle(string Id, GoogleModelStatus Status, DateOnly? ShutDownOn, string? Replacement);
