using System.Net;
using System.Net.Http.Headers;
using Microsoft.Extensions.Logging;
using UnifiedImageGen.Resilience;
using UnifiedImageGen.Testing;

namespace UnifiedImageGen.Tests.Resilience;

public class ResilienceHandlerTests
{
    private readonly ManualTimeProvider _time = new();
    private readonly ScriptedHandler _server = new();
    private readonly CapturingLoggerProvider _logs = new();

    private HttpClient Client(Action<ImageGenerationResilienceOptions>? configure = null)
    {
        var options = new ImageGenerationResilienceOptions { UseJitter = false, BaseDelay = TimeSpan.FromSeconds(2) };
        configure?.Invoke(options);
        var logger = LoggerFactory.Create(b => b.AddProvider(_logs).SetMinimumLevel(LogLevel.Trace)).CreateLogger("test");
        var handler = new ImageGenerationResilienceHandler("test", options, _time, logger) { InnerHandler = _server };
        return new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
    }

    private Task<HttpResponseMessage> Post(HttpClient client) =>
        client.PostAsync("https://api.example.com/v1/images?key=AIzaSECRETSECRETSECRETSECRET", new StringContent("{\"prompt\":\"x\"}"));

    [Fact]
    public async Task RateLimitedThenOk_Succeeds_AfterTheBackoff()
    {
        _server.ThenStatus(HttpStatusCode.TooManyRequests).ThenStatus(HttpStatusCode.OK, "{}");
        using var response = await _time.RunAsync(Post(Client()));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(2, _server.Count);
        Assert.Contains(TimeSpan.FromSeconds(2), _time.RequestedDelays);
        Assert.All(_server.Requests, r => Assert.Equal("{\"prompt\":\"x\"}", r.BodyText));
    }

    [Fact]
    public async Task RetryAfterSeconds_IsHonoured()
    {
        var start = _time.GetUtcNow();
        _server.ThenStatus(HttpStatusCode.TooManyRequests, configure: r => r.Headers.RetryAfter = new RetryConditionHeaderValue(TimeSpan.FromSeconds(7)))
            .ThenStatus(HttpStatusCode.OK);
        using var response = await _time.RunAsync(Post(Client()));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(7), _time.GetUtcNow() - start);
    }

    [Fact]
    public async Task RetryAfterHttpDate_IsHonoured()
    {
        var start = _time.GetUtcNow();
        _server.ThenStatus(HttpStatusCode.ServiceUnavailable, configure: r => r.Headers.RetryAfter = new RetryConditionHeaderValue(start.AddSeconds(12)))
            .ThenStatus(HttpStatusCode.OK);
        using var response = await _time.RunAsync(Post(Client()));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(12), _time.GetUtcNow() - start);
    }

    [Fact]
    public async Task RetryAfterMs_IsHonoured()
    {
        var start = _time.GetUtcNow();
        _server.ThenStatus(HttpStatusCode.TooManyRequests, configure: r => r.Headers.TryAddWithoutValidation("retry-after-ms", "1500"))
            .ThenStatus(HttpStatusCode.OK);
        using var response = await _time.RunAsync(Post(Client()));
        Assert.Equal(TimeSpan.FromMilliseconds(1500), _time.GetUtcNow() - start);
    }

    [Fact]
    public async Task RetryAfterBeyondTheCap_ReturnsTheRateLimitAtOnce()
    {
        _server.ThenStatus(HttpStatusCode.TooManyRequests, configure: r => r.Headers.RetryAfter = new RetryConditionHeaderValue(TimeSpan.FromMinutes(10)));
        using var response = await _time.RunAsync(Post(Client()));
        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        Assert.Equal(1, _server.Count);
    }

    [Fact]
    public async Task PostThatTimedOut_IsNotRetried()
    {
        _server.ThenStall();
        var client = Client(o => o.AttemptTimeout = TimeSpan.FromSeconds(30));
        var ex = await Assert.ThrowsAsync<ImageGenerationException>(() => _time.RunAsync(Post(client)));
        Assert.Equal(ImageGenerationErrorKind.Timeout, ex.Kind);
        Assert.True(ex.IsTransient);
        Assert.Equal(1, _server.Count);
        Assert.Contains("did not answer within 30 s", ex.Message);
    }

    [Fact]
    public async Task GetThatTimedOut_IsRetried()
    {
        _server.ThenStall().ThenStatus(HttpStatusCode.OK);
        var client = Client(o => o.AttemptTimeout = TimeSpan.FromSeconds(30));
        using var response = await _time.RunAsync(client.GetAsync("https://api.example.com/v1/jobs/1"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(2, _server.Count);
    }

    [Theory]
    [InlineData(HttpStatusCode.BadGateway, 2)]
    [InlineData(HttpStatusCode.ServiceUnavailable, 2)]
    [InlineData(HttpStatusCode.GatewayTimeout, 2)]
    [InlineData(HttpStatusCode.InternalServerError, 1)]
    [InlineData(HttpStatusCode.BadRequest, 1)]
    [InlineData(HttpStatusCode.Unauthorized, 1)]
    public async Task Post_IsRetriedOnlyWhereTheProviderCannotHaveStarted(HttpStatusCode first, int expectedAttempts)
    {
        _server.ThenStatus(first).ThenStatus(HttpStatusCode.OK);
        using var response = await _time.RunAsync(Post(Client()));
        Assert.Equal(expectedAttempts, _server.Count);
    }

    [Fact]
    public async Task Post_ConnectionRefused_IsRetried_ButBrokenResponse_IsNot()
    {
        _server.ThenThrow(new HttpRequestException(HttpRequestError.ConnectionError, "refused")).ThenStatus(HttpStatusCode.OK);
        using (var response = await _time.RunAsync(Post(Client())))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        var broken = new ScriptedHandler().ThenThrow(new HttpRequestException(HttpRequestError.ResponseEnded, "reset")).ThenStatus(HttpStatusCode.OK);
        var client = new HttpClient(new ImageGenerationResilienceHandler("test", new() { UseJitter = false }, _time) { InnerHandler = broken });
        await Assert.ThrowsAsync<HttpRequestException>(() => _time.RunAsync(Post(client)));
        Assert.Equal(1, broken.Count);
    }

    [Fact]
    public async Task PermanentFailureHook_StopsRetriesOfARateLimitThatIsReallyAQuota()
    {
        _server.ThenStatus(HttpStatusCode.TooManyRequests, "{\"error\":{\"code\":\"insufficient_quota\"}}");
        var client = Client(o => o.IsPermanentFailure = async (response, ct) => (await response.Content.ReadAsStringAsync(ct)).Contains("insufficient_quota"));
        using var response = await _time.RunAsync(Post(client));
        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        Assert.Equal(1, _server.Count);
        Assert.Contains("insufficient_quota", await response.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData(HttpStatusCode.BadGateway, 1)]
    [InlineData(HttpStatusCode.ServiceUnavailable, 1)]
    [InlineData(HttpStatusCode.GatewayTimeout, 1)]
    [InlineData(HttpStatusCode.TooManyRequests, 2)]
    public async Task PostBillableOnceSent_IsRetriedOnlyOnARateLimit(HttpStatusCode first, int expectedAttempts)
    {
        // A create held open by Replicate's Prefer: wait can exist before a proxy answers 502/503/504 (PROVIDERS.md 13.5).
        _server.ThenStatus(first).ThenStatus(HttpStatusCode.OK);
        var request = new HttpRequestMessage(HttpMethod.Post, "https://api.example.com/v1/predictions") { Content = new StringContent("{}") };
        ImageGenerationResilienceHandler.MarkBillableOnceSent(request);

        using var response = await _time.RunAsync(Client().SendAsync(request));

        Assert.Equal(expectedAttempts, _server.Count);
    }

    [Fact]
    public async Task PostBillableOnceSent_ConnectionNeverMade_IsRetried()
    {
        _server.ThenThrow(new HttpRequestException(HttpRequestError.ConnectionError, "refused")).ThenStatus(HttpStatusCode.OK);
        var request = new HttpRequestMessage(HttpMethod.Post, "https://api.example.com/v1/predictions") { Content = new StringContent("{}") };
        ImageGenerationResilienceHandler.MarkBillableOnceSent(request);

        using var response = await _time.RunAsync(Client().SendAsync(request));

        Assert.Equal((HttpStatusCode.OK, 2), (response.StatusCode, _server.Count));
    }

    [Theory]
    [InlineData(HttpStatusCode.TooManyRequests, "false", 1)]   // retryable by status, the server says no
    [InlineData(HttpStatusCode.ServiceUnavailable, "false", 1)]
    [InlineData(HttpStatusCode.InternalServerError, "true", 2)] // a POST's 500 is not retried by status, the server says yes
    [InlineData(HttpStatusCode.Conflict, "true", 2)]
    [InlineData(HttpStatusCode.TooManyRequests, "maybe", 2)]    // anything else: the status rules
    public async Task XShouldRetryHeader_OverridesTheStatusRules(HttpStatusCode status, string header, int expectedAttempts)
    {
        // openai-python _base_client.py _should_retry: "x-should-retry" true/false wins over the status (PROVIDERS.md 13.2).
        _server.ThenStatus(status, "{}", r => r.Headers.TryAddWithoutValidation("x-should-retry", header)).ThenStatus(HttpStatusCode.OK);

        using var response = await _time.RunAsync(Post(Client()));

        Assert.Equal(expectedAttempts, _server.Count);
    }

    [Fact]
    public async Task RetryDelayFromBody_IsHonouredWhenNoHeaderGivesOne()
    {
        _server.ThenStatus(HttpStatusCode.TooManyRequests, "{\"wait\":17}").ThenStatus(HttpStatusCode.OK);
        var client = Client(o => o.RetryDelayFromBody = async (response, ct) =>
            (await response.Content.ReadAsStringAsync(ct)).Contains("\"wait\":17") ? TimeSpan.FromSeconds(17) : null);

        using var response = await _time.RunAsync(Post(client));

        Assert.Equal((HttpStatusCode.OK, 2), (response.StatusCode, _server.Count));
        Assert.Contains(TimeSpan.FromSeconds(17), _time.RequestedDelays);
    }

    [Fact]
    public async Task RetryDelayFromBody_BeyondTheCap_ReturnsTheRateLimitAtOnce()
    {
        _server.ThenStatus(HttpStatusCode.TooManyRequests, "{}").ThenStatus(HttpStatusCode.OK);
        var client = Client(o => o.RetryDelayFromBody = (_, _) => ValueTask.FromResult<TimeSpan?>(TimeSpan.FromHours(20)));

        using var response = await _time.RunAsync(Post(client));

        Assert.Equal((HttpStatusCode.TooManyRequests, 1), (response.StatusCode, _server.Count));
    }

    [Fact]
    public async Task RetriesExhausted_ReturnTheLastResponse()
    {
        _server.ThenStatus(HttpStatusCode.ServiceUnavailable);
        using var response = await _time.RunAsync(Post(Client(o => o.MaxRetryAttempts = 2)));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal(3, _server.Count);
    }

    [Fact]
    public async Task RepeatedFailures_OpenTheCircuit_AsProviderUnavailable()
    {
        _server.ThenStatus(HttpStatusCode.InternalServerError);
        var client = Client(o =>
        {
            o.MaxRetryAttempts = 0;
            o.CircuitBreakerMinimumThroughput = 2;
        });
        for (int i = 0; i < 2; i++)
        {
            using var failed = await _time.RunAsync(Post(client));
        }

        var ex = await Assert.ThrowsAsync<ImageGenerationException>(() => _time.RunAsync(Post(client)));
        Assert.Equal(ImageGenerationErrorKind.ProviderUnavailable, ex.Kind);
        Assert.Contains("circuit open", ex.Message);
        Assert.Equal(2, _server.Count);
    }

    [Fact]
    public async Task RetryLogs_NeverCarryTheQueryStringKey()
    {
        _server.ThenStatus(HttpStatusCode.TooManyRequests).ThenStatus(HttpStatusCode.OK);
        using var response = await _time.RunAsync(Post(Client()));
        var retry = Assert.Single(_logs.Entries, e => e.EventId.Id == 1001);
        Assert.Equal(LogLevel.Information, retry.Level);
        Assert.Contains("api.example.com/v1/images", retry.Message);
        Assert.DoesNotContain("AIza", retry.AllText);
    }

    [Fact]
    public async Task CallerCancellation_IsNotTurnedIntoATimeout()
    {
        _server.ThenStall();
        using var cts = new CancellationTokenSource();
        var call = Client().PostAsync("https://api.example.com/v1/images", new StringContent("{}"), cts.Token);
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call);
    }

    [Fact]
    public void InvalidOptions_NameTheSetting()
    {
        var ex = Assert.Throws<ArgumentException>(() => ImageGenerationResilienceHandler.CreatePipeline("x", new ImageGenerationResilienceOptions { MaxRetryAttempts = 50 }));
        Assert.Contains("Resilience:MaxRetryAttempts must be between 0 and 10; it is 50.", ex.Message);
    }
}
