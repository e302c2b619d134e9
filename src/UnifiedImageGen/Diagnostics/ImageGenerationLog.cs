using Microsoft.Extensions.Logging;

namespace UnifiedImageGen.Diagnostics;

/// <summary>
/// The SDK's log messages, source-generated so a disabled level costs nothing. Prompts are logged only at Trace;
/// keys and image bytes never (exception messages are already redacted by the providers' error mappers).
/// </summary>
internal static partial class ImageGenerationLog
{
    [LoggerMessage(EventId = 2001, Level = LogLevel.Debug, Message = "Generating {Count} image(s): {Operation} with {Provider} {Model}.")]
    public static partial void Starting(ILogger logger, string provider, string model, ImageOperation operation, int count);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Trace, Message = "Prompt sent to {Provider} {Model}: {Prompt}")]
    public static partial void Prompt(ILogger logger, string provider, string model, string? prompt);

    [LoggerMessage(EventId = 2003, Level = LogLevel.Debug, Message = "Generated {ImageCount} image(s) with {Provider} {Model} in {ElapsedMs} ms (from cache: {FromCache}, cost: {CostUsd} USD).")]
    public static partial void Finished(ILogger logger, string provider, string model, int imageCount, double elapsedMs, bool fromCache, decimal? costUsd);

    [LoggerMessage(EventId = 2004, Level = LogLevel.Warning, Message = "Fell back from {FailedProvider} {FailedModel} ({Outcome}, {ErrorKind}) to the next route; answered by {Provider} {Model}.")]
    public static partial void FellBack(ILogger logger, string failedProvider, string failedModel, RouteAttemptOutcome outcome, ImageGenerationErrorKind? errorKind, string provider, string model);

    [LoggerMessage(EventId = 2008, Level = LogLevel.Debug, Message = "Skipped {SkippedProvider} {SkippedModel}: {Reason}.")]
    public static partial void Skipped(ILogger logger, string skippedProvider, string skippedModel, string? reason);

    [LoggerMessage(EventId = 2005, Level = LogLevel.Warning, Message = "{Provider} {Model} returned a warning ({Kind}, {Setting}): {Warning}")]
    public static partial void Warned(ILogger logger, string provider, string model, ImageGenerationWarningKind kind, string setting, string warning);

    [LoggerMessage(EventId = 2006, Level = LogLevel.Error, Message = "Image generation with {Provider} {Model} failed after {ElapsedMs} ms: {Kind}.")]
    public static partial void Failed(ILogger logger, Exception exception, string provider, string model, ImageGenerationErrorKind kind, double elapsedMs);

    [LoggerMessage(EventId = 2007, Level = LogLevel.Debug, Message = "Image generation with {Provider} {Model} was canceled after {ElapsedMs} ms.")]
    public static partial void Canceled(ILogger logger, string provider, string model, double elapsedMs);

    [LoggerMessage(EventId = 2101, Level = LogLevel.Debug, Message = "{Provider} {Method} {Host}{Path} answered {StatusCode} in {ElapsedMs} ms.")]
    public static partial void HttpAnswered(ILogger logger, string provider, string method, string host, string path, int statusCode, double elapsedMs);

    [LoggerMessage(EventId = 2102, Level = LogLevel.Debug, Message = "{Provider} {Method} {Host}{Path} failed after {ElapsedMs} ms: {Error}.")]
    public static partial void HttpFailed(ILogger logger, string provider, string method, string host, string path, double elapsedMs, string error);
}
