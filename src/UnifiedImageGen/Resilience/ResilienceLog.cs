using Microsoft.Extensions.Logging;

namespace UnifiedImageGen.Resilience;

// Retries are expected behaviour, so they log at Information, never Warning (Azure SDK guideline).
// Only the method, host and path are logged: query strings can carry keys.
internal static partial class ResilienceLog
{
    [LoggerMessage(EventId = 1001, Level = LogLevel.Information, Message = "Retrying {Provider} {Method} {Host}{Path} (attempt {Attempt}) in {DelayMs} ms after {Reason}.")]
    public static partial void Retrying(ILogger logger, string provider, string method, string host, string path, int attempt, double delayMs, string reason);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Warning, Message = "The circuit for {Provider} opened for {BreakSeconds} s after repeated failures.")]
    public static partial void CircuitOpened(ILogger logger, string provider, double breakSeconds);

    [LoggerMessage(EventId = 1003, Level = LogLevel.Information, Message = "The circuit for {Provider} closed.")]
    public static partial void CircuitClosed(ILogger logger, string provider);
}
