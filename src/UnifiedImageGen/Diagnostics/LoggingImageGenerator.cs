using Microsoft.Extensions.Logging;

namespace UnifiedImageGen.Diagnostics;

/// <summary>
/// Logs each call: Debug when it starts and finishes (provider, model, elapsed, image count), Warning for every
/// fallback the router took and every warning the result carries, Error when it fails. The prompt is logged only at
/// Trace; keys and image bytes never.
/// </summary>
public sealed class LoggingImageGenerator : DelegatingImageGenerator
{
    private readonly ILogger _logger;
    private readonly TimeProvider _timeProvider;

    /// <summary>Wraps <paramref name="innerGenerator"/>.</summary>
    /// <param name="innerGenerator">The generator to log.</param>
    /// <param name="logger">Where to log.</param>
    /// <param name="timeProvider">The clock for elapsed times; the system clock when null.</param>
    public LoggingImageGenerator(IImageGenerator innerGenerator, ILogger logger, TimeProvider? timeProvider = null)
        : base(innerGenerator)
    {
        ArgumentNullException.ThrowIfNull(logger);
        _logger = logger;
        _timeProvider = timeProvider ?? TimeProvider.System;
    }

    /// <inheritdoc/>
    public override async Task<ImageGenerationResult> GenerateAsync(ImageGenerationRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        string provider = Metadata.ProviderName;
        string model = request.Model ?? Metadata.DefaultModel;
        ImageGenerationLog.Starting(_logger, provider, model, request.Operation, request.Count);
        ImageGenerationLog.Prompt(_logger, provider, model, request.Prompt);
        long started = _timeProvider.GetTimestamp();
        ImageGenerationResult result;
        try
        {
            result = await InnerGenerator.GenerateAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            ImageGenerationLog.Canceled(_logger, provider, model, ElapsedMs(started));
            throw;
        }
        catch (ImageGenerationException ex)
        {
            ImageGenerationLog.Failed(_logger, ex, ex.Provider ?? provider, ex.Model ?? model, ex.Kind, ElapsedMs(started));
            throw;
        }
        catch (ArgumentException ex)
        {
            ImageGenerationLog.Failed(_logger, ex, provider, model, ImageGenerationErrorKind.InvalidRequest, ElapsedMs(started));
            throw;
        }

        foreach (var attempt in result.Attempts)
        {
            if (attempt.Outcome == RouteAttemptOutcome.Failed)
            {
                ImageGenerationLog.FellBack(_logger, attempt.Provider, attempt.Model, attempt.Outcome, attempt.ErrorKind, result.Provider, result.Model);
            }
            else if (attempt.Outcome == RouteAttemptOutcome.Skipped)
            {
                ImageGenerationLog.Skipped(_logger, attempt.Provider, attempt.Model, attempt.Reason);
            }
        }

        foreach (var warning in result.Warnings)
        {
            ImageGenerationLog.Warned(_logger, result.Provider, result.Model, warning.Kind, warning.Setting, warning.Message);
        }

        ImageGenerationLog.Finished(_logger, result.Provider, result.Model, result.Images.Count, ElapsedMs(started), result.FromCache, result.Cost?.Usd);
        return result;
    }

    private double ElapsedMs(long started) => Math.Round(_timeProvider.GetElapsedTime(started).TotalMilliseconds, 1);
}
