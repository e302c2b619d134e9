namespace UnifiedImageGen.Resilience;

/// <summary>
/// How a provider's HTTP calls are retried, timed out and cut off. The defaults are sized for image work: a single
/// high-quality image can take minutes.
/// </summary>
public sealed class ImageGenerationResilienceOptions
{
    /// <summary>How many times to retry after the first try.</summary>
    /// <value>3.</value>
    public int MaxRetryAttempts { get; set; } = 3;

    /// <summary>The first backoff delay; later ones grow exponentially, with jitter.</summary>
    /// <value>2 seconds.</value>
    public TimeSpan BaseDelay { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>The longest backoff delay.</summary>
    /// <value>30 seconds.</value>
    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Whether to add jitter to backoff delays (spreads retries of many clients).</summary>
    /// <value><see langword="true"/>.</value>
    public bool UseJitter { get; set; } = true;

    /// <summary>
    /// The longest <c>Retry-After</c> to wait for. A provider that asks for longer is not retried here: the
    /// <see cref="ImageGenerationErrorKind.RateLimited"/> error goes to the caller (or a fallback route) at once.
    /// </summary>
    /// <value>60 seconds.</value>
    public TimeSpan MaxRetryAfter { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>The limit for one HTTP attempt.</summary>
    /// <value>5 minutes.</value>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>The limit for a call with all its retries.</summary>
    /// <value>10 minutes.</value>
    public TimeSpan TotalTimeout { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Whether the circuit breaker is on.</summary>
    /// <value><see langword="true"/>.</value>
    public bool EnableCircuitBreaker { get; set; } = true;

    /// <summary>The share of failed calls in <see cref="CircuitBreakerSamplingDuration"/> that opens the circuit.</summary>
    /// <value>0.5.</value>
    public double CircuitBreakerFailureRatio { get; set; } = 0.5;

    /// <summary>The fewest calls in a sampling window before the circuit may open.</summary>
    /// <value>10.</value>
    public int CircuitBreakerMinimumThroughput { get; set; } = 10;

    /// <summary>The window failures are counted in.</summary>
    /// <value>60 seconds.</value>
    public TimeSpan CircuitBreakerSamplingDuration { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>How long an open circuit refuses calls before it lets one through to test the provider.</summary>
    /// <value>30 seconds.</value>
    public TimeSpan CircuitBreakerBreakDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Tells the handler a failed response must not be retried even though its status usually is (for example an
    /// OpenAI 429 whose body says <c>insufficient_quota</c>). Providers set this; the body is buffered before the call.
    /// </summary>
    public Func<HttpResponseMessage, CancellationToken, ValueTask<bool>>? IsPermanentFailure { get; set; }

    /// <summary>
    /// Reads how long to wait from a retryable response's body, for providers that put it there instead of in a
    /// header (Google's <c>RetryInfo.retryDelay</c>). Consulted only when no <c>Retry-After</c> or
    /// <c>retry-after-ms</c> header gives a wait; the body is buffered before the call. A wait above
    /// <see cref="MaxRetryAfter"/> ends the retries, as a header's would.
    /// </summary>
    public Func<HttpResponseMessage, CancellationToken, ValueTask<TimeSpan?>>? RetryDelayFromBody { get; set; }

    /// <summary>Checks the values and returns what is wrong, naming each setting.</summary>
    public IEnumerable<string> Validate()
    {
        if (MaxRetryAttempts is < 0 or > 10)
        {
            yield return $"Resilience:MaxRetryAttempts must be between 0 and 10; it is {MaxRetryAttempts}.";
        }

        if (BaseDelay <= TimeSpan.Zero || MaxDelay < BaseDelay)
        {
            yield return "Resilience:BaseDelay must be positive and Resilience:MaxDelay at least as long.";
        }

        if (AttemptTimeout <= TimeSpan.Zero || TotalTimeout < AttemptTimeout)
        {
            yield return "Resilience:AttemptTimeout must be positive and Resilience:TotalTimeout at least as long.";
        }

        if (CircuitBreakerFailureRatio is <= 0 or > 1)
        {
            yield return "Resilience:CircuitBreakerFailureRatio must be above 0 and at most 1.";
        }

        if (CircuitBreakerMinimumThroughput < 2)
        {
            yield return "Resilience:CircuitBreakerMinimumThroughput must be 2 or more.";
        }

        if (CircuitBreakerSamplingDuration < TimeSpan.FromMilliseconds(500) || CircuitBreakerBreakDuration < TimeSpan.FromMilliseconds(500))
        {
            yield return "Resilience:CircuitBreakerSamplingDuration and CircuitBreakerBreakDuration must be at least 0.5 s.";
        }
    }
}
