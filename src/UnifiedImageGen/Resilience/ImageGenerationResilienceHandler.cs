using System.Globalization;
using System.Net;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Polly;
using Polly.CircuitBreaker;
using Polly.Retry;
using Polly.Timeout;
using UnifiedImageGen.Http;

namespace UnifiedImageGen.Resilience;

/// <summary>
/// The resilience <see cref="DelegatingHandler"/> every provider client gets, built on Polly.Core: a total timeout,
/// retries with exponential backoff and jitter that honour <c>Retry-After</c> (seconds, HTTP-date, <c>retry-after-ms</c>),
/// a circuit breaker, and a per-attempt timeout.
/// </summary>
/// <remarks>
/// Generating an image costs money, so a POST (which starts billable work) is retried only when the provider cannot
/// have started it: the connection was never made, or the provider answered 429, 502, 503 or 504. A POST whose attempt
/// timed out or whose connection broke mid-call is never retried: the work may be running. Idempotent requests (GET,
/// HEAD, PUT, DELETE, or a request marked with <see cref="MarkIdempotent"/>) are also retried after timeouts, 408 and 500.
/// A request marked with <see cref="MarkBillableOnceSent"/> (a create the provider holds open until the result is ready)
/// is retried only when the connection was never made or the provider answered 429: a 502/503/504 may come from a
/// proxy after the work was created. A response header <c>x-should-retry: true|false</c> (OpenAI's) overrides the
/// status rules either way.
/// </remarks>
public sealed class ImageGenerationResilienceHandler : DelegatingHandler
{
    private static readonly ResiliencePropertyKey<HttpRequestMessage> RequestKey = new("UnifiedImageGen.Request");
    private static readonly HttpRequestOptionsKey<bool> IdempotentKey = new("UnifiedImageGen.Idempotent");
    private static readonly HttpRequestOptionsKey<bool> BillableOnceSentKey = new("UnifiedImageGen.BillableOnceSent");

    // The timeouts each pipeline was built with, so a handler over a shared pipeline bounds response bodies by them too.
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<ResiliencePipeline<HttpResponseMessage>, BodyLimits> Limits = new();

    private readonly ResiliencePipeline<HttpResponseMessage> _pipeline;
    private readonly string _providerName;

    /// <summary>Creates a handler with its own pipeline (and so its own circuit).</summary>
    /// <param name="providerName">The provider name, for errors and logs.</param>
    /// <param name="options">The settings; defaults when null.</param>
    /// <param name="timeProvider">The clock for delays and timeouts; the system clock when null.</param>
    /// <param name="logger">Where retries and circuit changes are logged.</param>
    public ImageGenerationResilienceHandler(string providerName, ImageGenerationResilienceOptions? options = null, TimeProvider? timeProvider = null, ILogger? logger = null)
        : this(providerName, CreatePipeline(providerName, options ?? new ImageGenerationResilienceOptions(), timeProvider, logger))
    {
    }

    /// <summary>Creates a handler over a shared pipeline (so the circuit outlives handler rotation).</summary>
    /// <param name="providerName">The provider name, for errors.</param>
    /// <param name="pipeline">
    /// A pipeline from <see cref="CreatePipeline"/>; its attempt and total timeouts also bound the reading of each
    /// response body (another pipeline bounds only the wait for headers).
    /// </param>
    public ImageGenerationResilienceHandler(string providerName, ResiliencePipeline<HttpResponseMessage> pipeline)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(providerName);
        ArgumentNullException.ThrowIfNull(pipeline);
        _providerName = providerName;
        _pipeline = pipeline;
    }

    /// <summary>Marks a non-GET request (a status poll by POST, a cancel) as safe to retry after timeouts and 5xx.</summary>
    /// <param name="request">The request.</param>
    public static void MarkIdempotent(HttpRequestMessage request)
    {
        ArgumentNullException.ThrowIfNull(request);
        request.Options.Set(IdempotentKey, true);
    }

    /// <summary>
    /// Marks a request whose work may exist as soon as the provider has read it (Replicate's create with
    /// <c>Prefer: wait</c>): it is retried only when the connection was never made or the provider answered 429, never
    /// after a 502, 503 or 504, which a proxy can send while the work runs on.
    /// </summary>
    /// <param name="request">The request.</param>
    public static void MarkBillableOnceSent(HttpRequestMessage request)
    {
        ArgumentNullException.ThrowIfNull(request);
        request.Options.Set(BillableOnceSentKey, true);
    }

    /// <summary>Builds the pipeline the handler runs: total timeout, retry, circuit breaker, attempt timeout.</summary>
    /// <param name="providerName">The provider name, for logs.</param>
    /// <param name="options">The settings.</param>
    /// <param name="timeProvider">The clock; the system clock when null.</param>
    /// <param name="logger">Where retries and circuit changes are logged.</param>
    /// <exception cref="ArgumentException">The options are invalid; the message names the setting.</exception>
    public static ResiliencePipeline<HttpResponseMessage> CreatePipeline(string providerName, ImageGenerationResilienceOptions options, TimeProvider? timeProvider = null, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = options.Validate().ToArray();
        if (problems.Length > 0)
        {
            throw new ArgumentException(string.Join(" ", problems), nameof(options));
        }

        timeProvider ??= TimeProvider.System;
        logger ??= NullLogger.Instance;
        var builder = new ResiliencePipelineBuilder<HttpResponseMessage> { TimeProvider = timeProvider, Name = "UnifiedImageGen." + providerName };
        builder.AddTimeout(new TimeoutStrategyOptions { Timeout = options.TotalTimeout });
        if (options.MaxRetryAttempts > 0)
        {
            builder.AddRetry(new RetryStrategyOptions<HttpResponseMessage>
            {
                MaxRetryAttempts = options.MaxRetryAttempts,
                Delay = options.BaseDelay,
                MaxDelay = options.MaxDelay,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = options.UseJitter,
                ShouldHandle = args => ShouldRetryAsync(args.Outcome, args.Context, options, timeProvider),
                DelayGenerator = args => args.Outcome.Result is { } response ? RequestedWaitAsync(response, options, timeProvider, args.Context.CancellationToken) : ValueTask.FromResult<TimeSpan?>(null),
                OnRetry = args =>
                {
                    var request = args.Context.Properties.GetValue(RequestKey, null!);
                    string reason = args.Outcome.Result is { } response
                        ? "HTTP " + ((int)response.StatusCode).ToString(CultureInfo.InvariantCulture)
                        : args.Outcome.Exception?.GetType().Name ?? "failure";
                    ResilienceLog.Retrying(logger, providerName, request?.Method.Method ?? "?", request?.RequestUri?.Host ?? "?", request?.RequestUri?.AbsolutePath ?? "", args.AttemptNumber + 1, args.RetryDelay.TotalMilliseconds, reason);
                    return default;
                },
            });
        }

        if (options.EnableCircuitBreaker)
        {
            builder.AddCircuitBreaker(new CircuitBreakerStrategyOptions<HttpResponseMessage>
            {
                FailureRatio = options.CircuitBreakerFailureRatio,
                MinimumThroughput = options.CircuitBreakerMinimumThroughput,
                SamplingDuration = options.CircuitBreakerSamplingDuration,
                BreakDuration = options.CircuitBreakerBreakDuration,
                ShouldHandle = args => ValueTask.FromResult(IsProviderFailure(args.Outcome)),
                OnOpened = args =>
                {
                    ResilienceLog.CircuitOpened(logger, providerName, args.BreakDuration.TotalSeconds);
                    return default;
                },
                OnClosed = _ =>
                {
                    ResilienceLog.CircuitClosed(logger, providerName);
                    return default;
                },
            });
        }

        builder.AddTimeout(new TimeoutStrategyOptions { Timeout = options.AttemptTimeout });
        var pipeline = builder.Build();
        Limits.AddOrUpdate(pipeline, new BodyLimits(options.AttemptTimeout, options.TotalTimeout, timeProvider));
        return pipeline;
    }

    /// <inheritdoc/>
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var context = ResilienceContextPool.Shared.Get(cancellationToken);
        context.Properties.Set(RequestKey, request);
        var limits = Limits.TryGetValue(_pipeline, out var found) ? found : null;
        long callStarted = limits?.TimeProvider.GetTimestamp() ?? 0;
        try
        {
            var state = (Handler: this, Request: request, Attempt: new System.Runtime.CompilerServices.StrongBox<int>(), Limits: limits, CallStarted: callStarted);
            return await _pipeline.ExecuteAsync(
                static async (ctx, s) =>
                {
                    long attemptStarted = s.Limits?.TimeProvider.GetTimestamp() ?? 0;

                    // Each attempt sends a fresh message: a message may be sent only once. The content is shared; our
                    // providers build buffered content, which can be written again.
                    var message = s.Attempt.Value++ == 0 ? s.Request : Clone(s.Request);
                    var response = await s.Handler.SendCoreAsync(message, ctx.CancellationToken).ConfigureAwait(false);

                    // The pipeline's timeouts end when it has the headers; the body is read later, by the caller. Without
                    // this, a server that sends headers and then one byte a second would hold the call for ever. The
                    // body's deadline starts here, inside the attempt, so no moment passes without one.
                    if (s.Limits is { } limits && response.Content is { } content)
                    {
                        response.Content = s.Handler.WithDeadline(content, limits, attemptStarted, s.CallStarted, s.Request);
                    }

                    return response;
                },
                context,
                state).ConfigureAwait(false);
        }
        catch (TimeoutRejectedException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new ImageGenerationException(ImageGenerationErrorKind.Timeout, string.Create(CultureInfo.InvariantCulture, $"{_providerName} did not answer within {ex.Timeout.TotalSeconds:0.#} s ({request.Method} {request.RequestUri?.AbsolutePath}). Raise the resilience timeouts for slow models."), ex)
            {
                Provider = _providerName,
                IsTransient = true,
            };
        }
        catch (BrokenCircuitException ex)
        {
            throw new ImageGenerationException(ImageGenerationErrorKind.ProviderUnavailable, $"{_providerName} is failing repeatedly, so calls to it are paused for a while (circuit open). Retry later or route to another provider.", ex)
            {
                Provider = _providerName,
                IsTransient = true,
                RetryAfter = ex.RetryAfter,
            };
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    private static bool IsIdempotent(HttpRequestMessage request) =>
        request.Method == HttpMethod.Get || request.Method == HttpMethod.Head || request.Method == HttpMethod.Options
        || request.Method == HttpMethod.Put || request.Method == HttpMethod.Delete
        || (request.Options.TryGetValue(IdempotentKey, out bool marked) && marked);

    private static async ValueTask<bool> ShouldRetryAsync(Outcome<HttpResponseMessage> outcome, ResilienceContext context, ImageGenerationResilienceOptions options, TimeProvider timeProvider)
    {
        var request = context.Properties.GetValue(RequestKey, null!);
        bool idempotent = request is null || IsIdempotent(request);
        if (outcome.Exception is { } exception)
        {
            return exception switch
            {
                OperationCanceledException when context.CancellationToken.IsCancellationRequested => false,
                HttpRequestException { HttpRequestError: HttpRequestError.NameResolutionError or HttpRequestError.ConnectionError or HttpRequestError.SecureConnectionError } => true,
                HttpRequestException => idempotent,
                TimeoutRejectedException => idempotent,
                _ => false,
            };
        }

        var response = outcome.Result!;
        int status = (int)response.StatusCode;
        bool billableOnceSent = request is not null && request.Options.TryGetValue(BillableOnceSentKey, out bool marked) && marked;
        bool retryable = ShouldRetryHeader(response) ?? status switch
        {
            429 => true,
            502 or 503 or 504 => !billableOnceSent,
            408 or 500 => idempotent,
            _ => false,
        };
        if (!retryable)
        {
            return false;
        }

        if (await RequestedWaitAsync(response, options, timeProvider, context.CancellationToken).ConfigureAwait(false) is { } wait && wait > options.MaxRetryAfter)
        {
            return false;
        }

        if (options.IsPermanentFailure is { } isPermanent)
        {
            await BufferAsync(response, context.CancellationToken).ConfigureAwait(false);
            return !await isPermanent(response, context.CancellationToken).ConfigureAwait(false);
        }

        return true;
    }

    // OpenAI's servers say per response whether a retry is safe; its official SDKs obey (openai-python _base_client.py).
    private static bool? ShouldRetryHeader(HttpResponseMessage response) =>
        response.Headers.TryGetValues("x-should-retry", out var values) && values.FirstOrDefault() is { } value
            ? value.Equals("true", StringComparison.OrdinalIgnoreCase) ? true : value.Equals("false", StringComparison.OrdinalIgnoreCase) ? false : null
            : null;

    // The wait a response asks for: a header first, then the provider's body reader.
    private static async ValueTask<TimeSpan?> RequestedWaitAsync(HttpResponseMessage response, ImageGenerationResilienceOptions options, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        if (RetryAfter.From(response, timeProvider) is { } header)
        {
            return header;
        }

        if (options.RetryDelayFromBody is not { } fromBody)
        {
            return null;
        }

        await BufferAsync(response, cancellationToken).ConfigureAwait(false);
        return await fromBody(response, cancellationToken).ConfigureAwait(false) is { } wait && wait >= TimeSpan.Zero ? wait : null;
    }

    private static Task BufferAsync(HttpResponseMessage response, CancellationToken cancellationToken) =>
#if NET9_0_OR_GREATER
        response.Content.LoadIntoBufferAsync(cancellationToken);
#else
        response.Content.LoadIntoBufferAsync();
#endif

    private static bool IsProviderFailure(Outcome<HttpResponseMessage> outcome) => outcome.Exception switch
    {
        OperationCanceledException => false,
        HttpRequestException or TimeoutRejectedException => true,
        not null => false,
        null => (int)outcome.Result!.StatusCode is 500 or 502 or 503 or 504,
    };

    private static HttpRequestMessage Clone(HttpRequestMessage request)
    {
        var clone = new HttpRequestMessage(request.Method, request.RequestUri)
        {
            Content = request.Content,
            Version = request.Version,
            VersionPolicy = request.VersionPolicy,
        };
        foreach (var header in request.Headers)
        {
            clone.Headers.TryAddWithoutValidation(header.Key, header.Value);
        }

        foreach (var option in request.Options)
        {
            ((IDictionary<string, object?>)clone.Options)[option.Key] = option.Value;
        }

        return clone;
    }

    private DeadlineContent WithDeadline(HttpContent content, BodyLimits limits, long attemptStarted, long callStarted, HttpRequestMessage request)
    {
        var attemptLeft = limits.AttemptTimeout - limits.TimeProvider.GetElapsedTime(attemptStarted);
        var totalLeft = limits.TotalTimeout - limits.TimeProvider.GetElapsedTime(callStarted);
        string bound = attemptLeft <= totalLeft
            ? string.Create(CultureInfo.InvariantCulture, $"the attempt timeout ({limits.AttemptTimeout.TotalSeconds:0.#} s)")
            : string.Create(CultureInfo.InvariantCulture, $"the total timeout ({limits.TotalTimeout.TotalSeconds:0.#} s)");
        string what = $"{_providerName} did not finish sending its answer within {bound} ({request.Method} {request.RequestUri?.AbsolutePath}): the body stalled or arrived too slowly. Raise the resilience timeouts for slow models.";
        return new DeadlineContent(content, attemptLeft <= totalLeft ? attemptLeft : totalLeft, limits.TimeProvider, _providerName, what);
    }

    private Task<HttpResponseMessage> SendCoreAsync(HttpRequestMessage message, CancellationToken cancellationToken) =>
        base.SendAsync(message, cancellationToken);

    private sealed record BodyLimits(TimeSpan AttemptTimeout, TimeSpan TotalTimeout, TimeProvider TimeProvider);

    /// <summary>
    /// A response body that must be read by a deadline (what is left of the attempt and total timeouts when the headers
    /// came). The timer stops at the end of the body or when the response is disposed.
    /// </summary>
    private sealed class DeadlineContent : HttpContent
    {
        private readonly HttpContent _inner;
        private readonly string _providerName;
        private readonly string _timeoutMessage;
        private readonly object _gate = new();
        private readonly CancellationTokenSource _deadline;
        private bool _finished;

        public DeadlineContent(HttpContent inner, TimeSpan left, TimeProvider timeProvider, string providerName, string timeoutMessage)
        {
            _inner = inner;
            _deadline = new CancellationTokenSource(left > TimeSpan.Zero ? left : TimeSpan.Zero, timeProvider);
            _providerName = providerName;
            _timeoutMessage = timeoutMessage;
            foreach (var header in inner.Headers)
            {
                Headers.TryAddWithoutValidation(header.Key, header.Value);
            }
        }

        public bool Expired => _deadline.IsCancellationRequested;

        // The deadline token; none once the body has ended (its timer is gone then).
        public CancellationToken Deadline()
        {
            lock (_gate)
            {
                return _finished ? CancellationToken.None : _deadline.Token;
            }
        }

        public void Finished()
        {
            lock (_gate)
            {
                _finished = true;
                _deadline.Dispose();
            }
        }

        public ImageGenerationException TimedOut() =>
            new(ImageGenerationErrorKind.Timeout, _timeoutMessage) { Provider = _providerName, IsTransient = true };

        protected override async Task<Stream> CreateContentReadStreamAsync(CancellationToken cancellationToken)
        {
            var deadline = Deadline();
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline);
            try
            {
                return new DeadlineStream(await _inner.ReadAsStreamAsync(linked.Token).ConfigureAwait(false), this);
            }
            catch (Exception) when (Expired && !cancellationToken.IsCancellationRequested)
            {
                throw TimedOut();
            }
        }

        protected override Task<Stream> CreateContentReadStreamAsync() => CreateContentReadStreamAsync(CancellationToken.None);

        protected override async Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context, CancellationToken cancellationToken)
        {
            var source = await CreateContentReadStreamAsync(cancellationToken).ConfigureAwait(false);
            await using (source.ConfigureAwait(false))
            {
                await source.CopyToAsync(stream, cancellationToken).ConfigureAwait(false);
            }
        }

        protected override Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context) =>
            SerializeToStreamAsync(stream, context, CancellationToken.None);

        protected override bool TryComputeLength(out long length)
        {
            length = _inner.Headers.ContentLength ?? -1;
            return length >= 0;
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                Finished();
                _inner.Dispose();
            }

            base.Dispose(disposing);
        }
    }

    /// <summary>Reads the body under its deadline; a read the deadline cuts off becomes a Timeout error.</summary>
    private sealed class DeadlineStream(Stream inner, DeadlineContent owner) : Stream
    {
        private CancellationTokenSource? _linked;
        private CancellationToken _linkedFor;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            try
            {
                int read = await inner.ReadAsync(buffer, TokenFor(cancellationToken)).ConfigureAwait(false);
                if (read == 0 && buffer.Length > 0)
                {
                    owner.Finished();
                }

                return read;
            }
            catch (Exception) when (owner.Expired && !cancellationToken.IsCancellationRequested)
            {
                throw owner.TimedOut();
            }
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override int Read(byte[] buffer, int offset, int count)
        {
            // A synchronous read cannot take a token: the deadline closes the stream under it instead.
            using var registration = owner.Deadline().Register(static s => ((Stream)s!).Dispose(), inner);
            try
            {
                int read = inner.Read(buffer, offset, count);
                if (read == 0 && count > 0)
                {
                    owner.Finished();
                }

                return read;
            }
            catch (Exception) when (owner.Expired)
            {
                throw owner.TimedOut();
            }
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _linked?.Dispose();
                inner.Dispose();
            }

            base.Dispose(disposing);
        }

        // One linked source per caller token (callers pass the same token read after read), so reads do not allocate.
        private CancellationToken TokenFor(CancellationToken callerToken)
        {
            var deadline = owner.Deadline();
            if (!callerToken.CanBeCanceled || !deadline.CanBeCanceled)
            {
                return callerToken.CanBeCanceled ? callerToken : deadline;
            }

            if (_linked is null || _linkedFor != callerToken)
            {
                _linked?.Dispose();
                _linked = CancellationTokenSource.CreateLinkedTokenSource(callerToken, deadline);
                _linkedFor = callerToken;
            }

            return _linked.Token;
        }
    }
}
