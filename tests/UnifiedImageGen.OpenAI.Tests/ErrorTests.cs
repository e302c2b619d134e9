using System.Net;
using Microsoft.Extensions.DependencyInjection;
using UnifiedImageGen.Testing;
using static UnifiedImageGen.OpenAI.Tests.Recordings;

namespace UnifiedImageGen.OpenAI.Tests;

public class ErrorTests
{
    [Theory]
    [InlineData("error.content_policy_violation.json", HttpStatusCode.BadRequest, ImageGenerationErrorKind.ContentPolicy, "content_policy_violation")]
    [InlineData("error.moderation_blocked.json", HttpStatusCode.BadRequest, ImageGenerationErrorKind.ContentPolicy, "moderation_blocked")]
    [InlineData("error.insufficient_quota.json", HttpStatusCode.TooManyRequests, ImageGenerationErrorKind.InsufficientCredits, "insufficient_quota")]
    [InlineData("error.rate_limit_exceeded.json", HttpStatusCode.TooManyRequests, ImageGenerationErrorKind.RateLimited, "rate_limit_exceeded")]
    [InlineData("error.invalid_api_key.json", HttpStatusCode.Unauthorized, ImageGenerationErrorKind.Authentication, "invalid_api_key")]
    [InlineData("error.organization_not_verified.json", HttpStatusCode.Forbidden, ImageGenerationErrorKind.PermissionDenied, "invalid_request_error")]
    [InlineData("error.model_not_found.json", HttpStatusCode.NotFound, ImageGenerationErrorKind.ModelNotFound, "model_not_found")]
    [InlineData("error.invalid_size.json", HttpStatusCode.BadRequest, ImageGenerationErrorKind.InvalidRequest, "invalid_value")]
    [InlineData("error.server_error.json", HttpStatusCode.InternalServerError, ImageGenerationErrorKind.ProviderUnavailable, "server_error")]
    public async Task EveryErrorShape_MapsToItsKind(string recording, HttpStatusCode status, ImageGenerationErrorKind kind, string code)
    {
        var (generator, server) = Create();
        server.Then(() => Json(recording, status, "req_err_1"));
        var ex = await Assert.ThrowsAsync<ImageGenerationException>(() => generator.GenerateAsync(new ImageGenerationRequest("x") { Model = "gpt-image-1" }));
        Assert.Equal(kind, ex.Kind);
        Assert.Equal(code, ex.ProviderErrorCode);
        Assert.Equal((int)status, ex.StatusCode);
        Assert.Equal("req_err_1", ex.ProviderRequestId);
        Assert.Equal(("openai", "gpt-image-1"), (ex.Provider, ex.Model));
        Assert.Equal(ImageGenerationException.IsTransientKind(kind), ex.IsTransient);
        Assert.DoesNotContain(ApiKey, ex.ToString());
    }

    [Fact]
    public async Task ModerationDetails_AreKeptInTheMessage()
    {
        var (generator, server) = Create();
        server.Then(() => Json("error.moderation_blocked.json", HttpStatusCode.BadRequest));
        var ex = await Assert.ThrowsAsync<ImageGenerationException>(() => generator.GenerateAsync("x"));
        Assert.Contains("moderation details: {\"stage\":\"input\",\"categories\":[\"violence\"]}", ex.Message);
        Assert.Contains("moderation_details", ex.ResponseBody);
    }

    [Fact]
    public async Task RateLimit_CarriesRetryAfterMs()
    {
        var (generator, server) = Create();
        server.Then(() =>
        {
            var response = Json("error.rate_limit_exceeded.json", HttpStatusCode.TooManyRequests);
            response.Headers.TryAddWithoutValidation("retry-after-ms", "12000");
            return response;
        });
        var ex = await Assert.ThrowsAsync<ImageGenerationException>(() => generator.GenerateAsync("x"));
        Assert.Equal(TimeSpan.FromSeconds(12), ex.RetryAfter);
    }

    [Fact]
    public async Task KeyEchoedByTheServer_IsRedacted()
    {
        var (generator, server) = Create();
        server.ThenStatus(HttpStatusCode.Unauthorized, $$$"""{"error":{"message":"Incorrect API key provided: {{{ApiKey}}}","type":"invalid_request_error","code":"invalid_api_key"}}""");
        var ex = await Assert.ThrowsAsync<ImageGenerationException>(() => generator.GenerateAsync("x"));
        Assert.DoesNotContain(ApiKey, ex.Message + ex.ResponseBody + ex);
    }

    [Fact]
    public async Task ThroughDependencyInjection_InsufficientQuotaIsNeverRetried_ButARateLimitIs()
    {
        var time = new ManualTimeProvider();
        var server = new ScriptedHandler()
            .Then(() => Json("error.insufficient_quota.json", HttpStatusCode.TooManyRequests))
            .Then(() => Json("error.rate_limit_exceeded.json", HttpStatusCode.TooManyRequests))
            .Then(() => Json("gpt-image-1.generations.json"));
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(time);
        services.AddImageGeneration().AddOpenAI(o => o.ApiKey = ApiKey, configureHttpClient: http => http.ConfigurePrimaryHttpMessageHandler(() => server));
        using var provider = services.BuildServiceProvider();
        var generator = provider.GetRequiredService<IImageGenerator>();

        var quota = await Assert.ThrowsAsync<ImageGenerationException>(() => time.RunAsync(generator.GenerateAsync("x")));
        Assert.Equal(ImageGenerationErrorKind.InsufficientCredits, quota.Kind);
        Assert.Equal(1, server.Count);

        var result = await time.RunAsync(generator.GenerateAsync("x"));
        Assert.True(result.Image.IsSuccess);
        Assert.Equal(3, server.Count);
    }

    [Fact]
    public async Task GarbledJson_IsUnexpectedResponse()
    {
        var (generator, server) = Create();
        server.ThenStatus(HttpStatusCode.OK, "{\"data\":[{\"b64_json\":\"abc");
        var ex = await Assert.ThrowsAsync<ImageGenerationException>(() => generator.GenerateAsync("x"));
        Assert.Equal(ImageGenerationErrorKind.UnexpectedResponse, ex.Kind);
    }

    [Fact]
    public async Task InvalidBase64_IsUnexpectedResponse()
    {
        var (generator, server) = Create();
        server.ThenStatus(HttpStatusCode.OK, "{\"data\":[{\"b64_json\":\"!!!!\"}]}");
        var ex = await Assert.ThrowsAsync<ImageGenerationException>(() => generator.GenerateAsync("x"));
        Assert.Equal(ImageGenerationErrorKind.UnexpectedResponse, ex.Kind);
    }
}
