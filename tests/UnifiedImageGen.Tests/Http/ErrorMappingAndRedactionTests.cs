using System.Net;
using System.Text;
using RichardSzalay.MockHttp;
using UnifiedImageGen.Http;
using UnifiedImageGen.Providers;

namespace UnifiedImageGen.Tests.Http;

public class ErrorMappingAndRedactionTests
{
    private const string ApiKey = "sk-proj-abcdefghijklmnopqrstuvwxyz0123456789";

    private static HttpResponseMessage Response(HttpStatusCode status, string body, string contentType = "application/json")
    {
        var response = new HttpResponseMessage(status) { Content = new StringContent(body, Encoding.UTF8, contentType) };
        response.Headers.TryAddWithoutValidation("x-request-id", "req_123");
        return response;
    }

    private static Task<ImageGenerationException> Map(HttpResponseMessage response, string? model = "m") =>
        new ProviderErrorMapper("openai", new SecretRedactor(ApiKey)).CreateExceptionAsync(response, model);

    [Fact]
    public async Task OpenAIShape_IsParsedIntoKindCodeAndMessage()
    {
        var ex = await Map(Response(HttpStatusCode.BadRequest, """{"error":{"message":"Your request was rejected by the safety system.","type":"invalid_request_error","code":"content_policy_violation","param":null}}"""));
        Assert.Equal(ImageGenerationErrorKind.ContentPolicy, ex.Kind);
        Assert.Equal("content_policy_violation", ex.ProviderErrorCode);
        Assert.Equal(400, ex.StatusCode);
        Assert.Equal("req_123", ex.ProviderRequestId);
        Assert.Equal("openai", ex.Provider);
        Assert.StartsWith("openai returned HTTP 400 (invalid_request_error: content_policy_violation) for model 'm': Your request was rejected by the safety system.", ex.Message);
        Assert.Contains("change the prompt", ex.Message);
        Assert.False(ex.IsTransient);
    }

    [Theory]
    [InlineData(429, """{"error":{"message":"You exceeded your current quota","type":"insufficient_quota","code":"insufficient_quota"}}""", ImageGenerationErrorKind.InsufficientCredits)]
    [InlineData(429, """{"error":{"message":"Rate limit reached","type":"requests","code":"rate_limit_exceeded"}}""", ImageGenerationErrorKind.RateLimited)]
    [InlineData(402, """{"detail":"You have insufficient credit to run this model."}""", ImageGenerationErrorKind.InsufficientCredits)]
    [InlineData(422, """{"detail":[{"loc":["body","prompt"],"msg":"field required","type":"value_error.missing"}]}""", ImageGenerationErrorKind.InvalidRequest)]
    [InlineData(403, """{"name":"content_moderation","errors":["Your request was flagged by our content moderation system"]}""", ImageGenerationErrorKind.ContentPolicy)]
    [InlineData(404, """{"error":{"code":404,"message":"models/imagen-9 is not found","status":"NOT_FOUND"}}""", ImageGenerationErrorKind.ModelNotFound)]
    [InlineData(429, """{"error":{"code":429,"message":"Quota exceeded","status":"RESOURCE_EXHAUSTED"}}""", ImageGenerationErrorKind.RateLimited)]
    [InlineData(401, """{"message":"Unauthorized"}""", ImageGenerationErrorKind.Authentication)]
    [InlineData(503, "<html>Service Unavailable</html>", ImageGenerationErrorKind.ProviderUnavailable)]
    [InlineData(500, "not json at all {", ImageGenerationErrorKind.ProviderUnavailable)]
    public async Task CommonShapes_MapToTheRightKind(int status, string body, ImageGenerationErrorKind expected)
    {
        var ex = await Map(Response((HttpStatusCode)status, body));
        Assert.Equal(expected, ex.Kind);
        Assert.Equal(status, ex.StatusCode);
    }

    [Fact]
    public async Task MessageAndBody_NeverCarryKeys()
    {
        string body = $$$"""{"error":{"message":"Incorrect API key provided: {{{ApiKey}}}. Also Bearer abc.def.ghi and Key fal_1234:secret and x-key: bfl-secret-value and sk-other0123456789 and r8_ABCDEFGHIJKLMNOPQRSTUVWX and ?key=AIzaSyD-0123456789abcdefghijABCDE","type":"invalid_request_error","code":"invalid_api_key"}}""";
        var ex = await Map(Response(HttpStatusCode.Unauthorized, body));
        Assert.Equal(ImageGenerationErrorKind.Authentication, ex.Kind);
        foreach (var text in new[] { ex.Message, ex.ResponseBody!, ex.ToString() })
        {
            Assert.DoesNotContain(ApiKey, text);
            Assert.DoesNotContain("abc.def.ghi", text);
            Assert.DoesNotContain("fal_1234:secret", text);
            Assert.DoesNotContain("bfl-secret-value", text);
            Assert.DoesNotContain("sk-other0123456789", text);
            Assert.DoesNotContain("r8_ABCDEFGHIJKLMNOPQRSTUVWX", text);
            Assert.DoesNotContain("AIzaSyD-0123456789abcdefghijABCDE", text);
        }

        Assert.Contains("Check the API key (configuration ImageGeneration:Providers:openai:ApiKey)", ex.Message);
    }

    [Fact]
    public async Task Body_IsCappedAt4KiB()
    {
        var ex = await Map(Response(HttpStatusCode.BadRequest, "{\"message\":\"" + new string('x', 20_000) + "\"}"));
        Assert.Equal(ProviderErrorMapper.MaxBodyBytes, ex.ResponseBody!.Length);
        Assert.True(ex.Message.Length < 1000);
    }

    [Fact]
    public async Task RetryAfter_IsCarriedOntoTheException()
    {
        var response = Response(HttpStatusCode.TooManyRequests, """{"error":{"code":"rate_limit_exceeded","message":"slow down"}}""");
        response.Headers.RetryAfter = new System.Net.Http.Headers.RetryConditionHeaderValue(TimeSpan.FromSeconds(20));
        var ex = await Map(response);
        Assert.Equal(TimeSpan.FromSeconds(20), ex.RetryAfter);
        Assert.True(ex.IsTransient);
        Assert.Contains("retry after 20 s", ex.Message);
    }

    [Theory]
    [InlineData("Authorization: Bearer sk-abc123456789", "Authorization: ***")]
    [InlineData("Authorization: Key abcd:efgh", "Authorization: ***")]
    [InlineData("\"api_key\": \"secret-value-1\"", "\"api_key\": \"***\"")]
    [InlineData("https://x.googleapis.com/v1/m:predict?key=AIzaSomething12345678901234", "https://x.googleapis.com/v1/m:predict?key=***")]
    [InlineData("nothing secret here", "nothing secret here")]
    public void Redactor_RemovesKeyShapedText(string input, string expected) =>
        Assert.Equal(expected, SecretRedactor.Default.Redact(input));

    [Fact]
    public async Task Transport_MapsFailuresAndKeepsKeysOutOfMessages()
    {
        var mock = new MockHttpMessageHandler();
        mock.When(HttpMethod.Post, "https://api.example.com/v1/fail").Respond(HttpStatusCode.Unauthorized, "application/json", $$$"""{"error":{"message":"bad key {{{ApiKey}}}"}}""");
        mock.When(HttpMethod.Post, "https://api.example.com/v1/down").Throw(new HttpRequestException(HttpRequestError.ConnectionError, $"connect failed https://api.example.com/?key={ApiKey}"));
        mock.When(HttpMethod.Post, "https://api.example.com/v1/ok").Respond("application/json", "{\"ok\":true}");
        var redactor = new SecretRedactor(ApiKey);
        var client = mock.ToHttpClient();
        var transport = new ProviderTransport(client, new ProviderErrorMapper("example", redactor), new ImageDownloader(client));

        var auth = await Assert.ThrowsAsync<ImageGenerationException>(() => transport.SendAsync(new HttpRequestMessage(HttpMethod.Post, "https://api.example.com/v1/fail"), "m", default));
        Assert.Equal(ImageGenerationErrorKind.Authentication, auth.Kind);
        Assert.DoesNotContain(ApiKey, auth.Message + auth.ResponseBody);

        var down = await Assert.ThrowsAsync<ImageGenerationException>(() => transport.SendAsync(new HttpRequestMessage(HttpMethod.Post, "https://api.example.com/v1/down"), "m", default));
        Assert.Equal(ImageGenerationErrorKind.ProviderUnavailable, down.Kind);
        Assert.DoesNotContain(ApiKey, down.ToString());

        using var ok = await transport.SendAsync(new HttpRequestMessage(HttpMethod.Post, "https://api.example.com/v1/ok"), "m", default);
        using var body = await transport.ReadBodyAsync(ok, 1024, default);
        Assert.Equal("{\"ok\":true}", Encoding.UTF8.GetString(body.Span));
    }

    [Fact]
    public void OptionsToString_HidesTheKey()
    {
        var options = new TestOptions { ApiKey = ApiKey };
        Assert.DoesNotContain(ApiKey, options.ToString());
        Assert.Contains("ApiKey = ***", options.ToString());
        Assert.Contains("ImageGeneration:Providers:t:ApiKey is required", new TestOptions().Validate("ImageGeneration:Providers:t").Single());
    }

    private sealed class TestOptions() : ImageGeneratorOptionsBase(new Uri("https://api.example.com"));
}
