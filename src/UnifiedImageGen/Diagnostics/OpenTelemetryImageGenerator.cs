using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Text.Json;
using UnifiedImageGen.Caching;

namespace UnifiedImageGen.Diagnostics;

/// <summary>
/// Traces and measures each call with an <see cref="ActivitySource"/> and a <see cref="Meter"/> named
/// <see cref="ImageGenerationTelemetry.SourceName"/>, following the OpenTelemetry GenAI conventions where they fit
/// (operation, provider, models, token usage, duration) plus images generated, cache hits and misses, fallbacks and
/// cost. Place it outermost to see cache hits. The prompt is recorded only with <see cref="EnableSensitiveData"/>.
/// </summary>
public sealed class OpenTelemetryImageGenerator : DelegatingImageGenerator
{
    private static readonly ActivitySource Source = new(ImageGenerationTelemetry.SourceName, typeof(OpenTelemetryImageGenerator).Assembly.GetName().Version?.ToString());

#if NET9_0_OR_GREATER
    // Duration buckets in seconds: image calls take from tens of milliseconds (cache, placeholder) to minutes (queued jobs).
    private static readonly double[] DurationBuckets = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 40, 80, 160, 320, 640];
#endif

    private readonly TimeProvider _timeProvider;
    private readonly bool _cachingBelow;
    private readonly Histogram<double> _duration;
    private readonly Histogram<long> _tokens;
    private readonly Counter<long> _images;
    private readonly Counter<long> _cacheHits;
    private readonly Counter<long> _cacheMisses;
    private readonly Counter<long> _fallbacks;
    private readonly Counter<double> _cost;

    /// <summary>Wraps <paramref name="innerGenerator"/>.</summary>
    /// <param name="innerGenerator">The generator to observe.</param>
    /// <param name="meterFactory">Creates the meter (the host's, so tests and hosts can isolate it); a shared meter when null.</param>
    /// <param name="timeProvider">The clock for durations; the system clock when null.</param>
    public OpenTelemetryImageGenerator(IImageGenerator innerGenerator, IMeterFactory? meterFactory = null, TimeProvider? timeProvider = null)
        : base(innerGenerator)
    {
        _timeProvider = timeProvider ?? TimeProvider.System;
        _cachingBelow = innerGenerator.GetService(typeof(CachingImageGenerator)) is not null;
        var meter = meterFactory?.Create(ImageGenerationTelemetry.SourceName) ?? SharedMeter.Value;
#if NET9_0_OR_GREATER
        _duration = meter.CreateHistogram(ImageGenerationTelemetry.OperationDurationMetric, "s", "Duration of image generation calls.", tags: null, new InstrumentAdvice<double> { HistogramBucketBoundaries = DurationBuckets });
#else
        _duration = meter.CreateHistogram<double>(ImageGenerationTelemetry.OperationDurationMetric, "s", "Duration of image generation calls.");
#endif
        _tokens = meter.CreateHistogram<long>(ImageGenerationTelemetry.TokenUsageMetric, "{token}", "Tokens used per call, for models billed by token.");
        _images = meter.CreateCounter<long>(ImageGenerationTelemetry.ImagesGeneratedMetric, "{image}", "Images returned.");
        _cacheHits = meter.CreateCounter<long>(ImageGenerationTelemetry.CacheHitsMetric, "{call}", "Calls answered from the image cache.");
        _cacheMisses = meter.CreateCounter<long>(ImageGenerationTelemetry.CacheMissesMetric, "{call}", "Calls the image cache could not answer.");
        _fallbacks = meter.CreateCounter<long>(ImageGenerationTelemetry.FallbacksMetric, "{route}", "Routes that failed and were fallen back from.");
        _cost = meter.CreateCounter<double>(ImageGenerationTelemetry.CostMetric, "USD", "Cost of the calls in US dollars.");
    }

    /// <summary>
    /// Whether to record the prompt on the activity (<c>gen_ai.input.messages</c>). Off by default: prompts can hold
    /// personal data. Images are never recorded.
    /// </summary>
    public bool EnableSensitiveData { get; set; }

    /// <inheritdoc/>
    public override async Task<ImageGenerationResult> GenerateAsync(ImageGenerationRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        string provider = Metadata.ProviderName;
        string requestModel = request.Model ?? Metadata.DefaultModel;
        using var activity = StartActivity(request, provider, requestModel);
        long started = _timeProvider.GetTimestamp();
        ImageGenerationResult result;
        try
        {
            result = await InnerGenerator.GenerateAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            string errorType = ex switch
            {
                ImageGenerationException ige => ige.Kind.ToString(),
                OperationCanceledException => "Canceled",
                ArgumentException => nameof(ImageGenerationErrorKind.InvalidRequest),
                _ => ex.GetType().FullName ?? "Exception",
            };
            string failedProvider = (ex as ImageGenerationException)?.Provider ?? provider;
            activity?.SetTag(ImageGenerationTelemetry.Tags.ErrorType, errorType);
            activity?.SetStatus(ActivityStatusCode.Error, errorType);
            if (ex is ImageGenerationException { Attempts: var attempts })
            {
                RecordFallbacks(attempts, activity);
            }

            RecordDuration(started, failedProvider, requestModel, responseModel: null, errorType);
            throw;
        }

        RecordResult(activity, result, requestModel);
        RecordDuration(started, result.Provider, requestModel, result.Model, errorType: null);
        return result;
    }

    private Activity? StartActivity(ImageGenerationRequest request, string provider, string requestModel)
    {
        if (!Source.HasListeners())
        {
            return null;
        }

        var activity = Source.StartActivity(ImageGenerationTelemetry.OperationName + " " + requestModel, ActivityKind.Client);
        if (activity is not { IsAllDataRequested: true })
        {
            return activity;
        }

        activity.SetTag(ImageGenerationTelemetry.Tags.OperationName, ImageGenerationTelemetry.OperationName)
            .SetTag(ImageGenerationTelemetry.Tags.ProviderName, provider)
            .SetTag(ImageGenerationTelemetry.Tags.RequestModel, requestModel)
            .SetTag(ImageGenerationTelemetry.Tags.OutputType, "image")
            .SetTag(ImageGenerationTelemetry.Tags.ChoiceCount, request.Count)
            .SetTag(ImageGenerationTelemetry.Tags.Operation, request.Operation.ToString());
        if (request.Seed is { } seed)
        {
            activity.SetTag(ImageGenerationTelemetry.Tags.Seed, seed);
        }

        if (Metadata.Endpoint is { } endpoint)
        {
            activity.SetTag(ImageGenerationTelemetry.Tags.ServerAddress, endpoint.Host)
                .SetTag(ImageGenerationTelemetry.Tags.ServerPort, endpoint.Port);
        }

        if (EnableSensitiveData && request.Prompt is { } prompt)
        {
            activity.SetTag(ImageGenerationTelemetry.Tags.InputMessages, InputMessages(prompt));
        }

        return activity;
    }

    private void RecordResult(Activity? activity, ImageGenerationResult result, string requestModel)
    {
        var tags = new TagList
        {
            { ImageGenerationTelemetry.Tags.ProviderName, result.Provider },
            { ImageGenerationTelemetry.Tags.ResponseModel, result.Model },
        };
        _images.Add(result.Images.Count, tags);
        if (result.FromCache)
        {
            _cacheHits.Add(1, tags);
        }
        else if (_cachingBelow)
        {
            _cacheMisses.Add(1, tags);
        }

        if (result.Cost is { } cost)
        {
            _cost.Add((double)cost.Usd, tags);
        }

        // A hit spent no tokens: the stored result still carries the usage of the call that made it.
        var usage = result.FromCache ? null : result.Usage;
        if (usage is not null)
        {
            RecordTokens(usage.InputTokens, "input", result, requestModel);
            RecordTokens(usage.OutputTokens, "output", result, requestModel);
        }

        RecordFallbacks(result.Attempts, activity);
        if (activity is not { IsAllDataRequested: true })
        {
            return;
        }

        activity.SetTag(ImageGenerationTelemetry.Tags.ProviderName, result.Provider)
            .SetTag(ImageGenerationTelemetry.Tags.ResponseModel, result.Model)
            .SetTag(ImageGenerationTelemetry.Tags.ImageCount, result.Images.Count)
            .SetTag(ImageGenerationTelemetry.Tags.FromCache, result.FromCache);
        if (result.ProviderRequestId is { } id)
        {
            activity.SetTag(ImageGenerationTelemetry.Tags.ResponseId, id);
        }

        if (usage?.InputTokens is { } input)
        {
            activity.SetTag(ImageGenerationTelemetry.Tags.InputTokens, input);
        }

        if (usage?.OutputTokens is { } output)
        {
            activity.SetTag(ImageGenerationTelemetry.Tags.OutputTokens, output);
        }

        if (result.Cost is { } spent)
        {
            activity.SetTag(ImageGenerationTelemetry.Tags.CostUsd, (double)spent.Usd);
        }

        if (result.Attempts.Count > 0)
        {
            activity.SetTag(ImageGenerationTelemetry.Tags.RouteAttempts, result.Attempts.Count);
        }
    }

    private void RecordTokens(long? count, string type, ImageGenerationResult result, string requestModel)
    {
        if (count is { } tokens)
        {
            _tokens.Record(tokens, new TagList
            {
                { ImageGenerationTelemetry.Tags.OperationName, ImageGenerationTelemetry.OperationName },
                { ImageGenerationTelemetry.Tags.ProviderName, result.Provider },
                { ImageGenerationTelemetry.Tags.RequestModel, requestModel },
                { ImageGenerationTelemetry.Tags.ResponseModel, result.Model },
                { ImageGenerationTelemetry.Tags.TokenType, type },
            });
        }
    }

    private void RecordFallbacks(IReadOnlyList<RouteAttempt> attempts, Activity? activity)
    {
        foreach (var attempt in attempts)
        {
            if (attempt.Outcome == RouteAttemptOutcome.Failed)
            {
                _fallbacks.Add(1, new TagList
                {
                    { ImageGenerationTelemetry.Tags.ProviderName, attempt.Provider },
                    { ImageGenerationTelemetry.Tags.RequestModel, attempt.Model },
                    { ImageGenerationTelemetry.Tags.ErrorType, attempt.ErrorKind?.ToString() },
                });
                activity?.AddEvent(new ActivityEvent("unifiedimagegen.fallback", tags: new ActivityTagsCollection
                {
                    [ImageGenerationTelemetry.Tags.ProviderName] = attempt.Provider,
                    [ImageGenerationTelemetry.Tags.RequestModel] = attempt.Model,
                    [ImageGenerationTelemetry.Tags.ErrorType] = attempt.ErrorKind?.ToString(),
                }));
            }
        }
    }

    private void RecordDuration(long started, string provider, string requestModel, string? responseModel, string? errorType)
    {
        var tags = new TagList
        {
            { ImageGenerationTelemetry.Tags.OperationName, ImageGenerationTelemetry.OperationName },
            { ImageGenerationTelemetry.Tags.ProviderName, provider },
            { ImageGenerationTelemetry.Tags.RequestModel, requestModel },
        };
        if (responseModel is not null)
        {
            tags.Add(ImageGenerationTelemetry.Tags.ResponseModel, responseModel);
        }

        if (errorType is not null)
        {
            tags.Add(ImageGenerationTelemetry.Tags.ErrorType, errorType);
        }

        _duration.Record(_timeProvider.GetElapsedTime(started).TotalSeconds, tags);
    }

    // The conventions' message shape: [{"role":"user","parts":[{"type":"text","content":"..."}]}].
    private static string InputMessages(string prompt)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartArray();
            writer.WriteStartObject();
            writer.WriteString("role", "user");
            writer.WriteStartArray("parts");
            writer.WriteStartObject();
            writer.WriteString("type", "text");
            writer.WriteString("content", prompt);
            writer.WriteEndObject();
            writer.WriteEndArray();
            writer.WriteEndObject();
            writer.WriteEndArray();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    private static class SharedMeter
    {
        public static readonly Meter Value = new(ImageGenerationTelemetry.SourceName, typeof(OpenTelemetryImageGenerator).Assembly.GetName().Version?.ToString());
    }
}
