using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;
using UnifiedImageGen.Diagnostics;
using UnifiedImageGen.Security.Tests.Harness;
using UnifiedImageGen.Testing;

namespace UnifiedImageGen.Security.Tests;

/// <summary>
/// Every provider, through the full DI pipeline (logging at Trace, OpenTelemetry, HTTP exchange logging), fails in
/// every way a provider can fail, with error bodies that echo the key back: the key appears in no log line, no
/// activity tag or event, no exception text or body, and no result (its ToString or its JSON).
/// </summary>
public class SecretLeakTests
{
    public static TheoryData<string> Providers() => [.. ProviderHost.Http];

    private static IEnumerable<(string Name, Func<HttpRequestMessage, string, HttpResponseMessage?>? Answer, Exception? Throw)> Failures(string key)
    {
        string echo = $$"""{"error":{"message":"Incorrect API key provided: {{key}}. You passed Authorization: Bearer {{key}} and x-key: {{key}} to https://api.example/v1?key={{key}}&x=1","type":"invalid_request_error","code":"invalid_api_key","param":"{{key}}"},"detail":"{{key}}","message":"{{key}}","errors":["{{key}}"],"error_code":"{{key}}"}""";
        foreach (var status in new[] { HttpStatusCode.Unauthorized, HttpStatusCode.Forbidden, HttpStatusCode.TooManyRequests, HttpStatusCode.InternalServerError, HttpStatusCode.BadRequest, HttpStatusCode.UnprocessableEntity, HttpStatusCode.PaymentRequired })
        {
            yield return ($"HTTP {(int)status} echoing the key", (_, _) =>
            {
                var response = FakeProviderServer.Json(echo, status);
                response.Headers.TryAddWithoutValidation("x-request-id", "req-" + key);
                response.Headers.TryAddWithoutValidation("Retry-After", "1");
                return response;
            }, null);
            yield return ($"HTTP {(int)status} plain-text body with the key", (_, _) => new HttpResponseMessage(status) { Content = new StringContent($"upstream said: key {key} is not valid (Key {key})") }, null);
        }

        yield return ("transport failure naming the key and URL", null, new HttpRequestException($"Connection refused (https://api.example/v1/x?key={key})", new IOException($"socket error for {key}"), HttpStatusCode.BadGateway));
        yield return ("timeout naming the key", null, new TaskCanceledException($"request to ?key={key} timed out"));
        yield return ("job failure message echoing the key", (request, k) => JobFailure(request, k), null);
    }

    // The job itself fails with a message that quotes the key (a model error, a moderation detail, ...).
    private static HttpResponseMessage? JobFailure(HttpRequestMessage request, string key)
    {
        var uri = request.RequestUri!;
        string path = uri.AbsolutePath;
        return uri.Host switch
        {
            "api.replicate.com" => FakeProviderServer.Json($$"""{"id":"p1","model":"m","status":"failed","output":null,"error":"CUDA error; env REPLICATE_API_TOKEN={{key}}","logs":"token {{key}}"}"""),
            "queue.fal.run" when path.EndsWith("/status", StringComparison.Ordinal) => FakeProviderServer.Json($$"""{"status":"COMPLETED","request_id":"r1","error":"bad key {{key}}","error_type":"{{key}}"}"""),
            "api.bfl.ai" when request.Method == HttpMethod.Get => FakeProviderServer.Json($$$"""{"id":"e8a7f3c2","status":"Error","details":{"message":"x-key {{{key}}} rejected","key":"{{{key}}}"}}"""),
            "firefly-api.adobe.io" when path.Contains("/status/", StringComparison.Ordinal) => FakeProviderServer.Json($$"""{"jobId":"j","status":"failed","error_code":"{{key}}","message":"token {{key}}"}"""),
            _ => null,
        };
    }

    // A job status the SDK does not know, echoing the key: the "unknown status" errors quote it.
    private static HttpResponseMessage? UnknownJobStatus(HttpRequestMessage request, string key)
    {
        var uri = request.RequestUri!;
        string path = uri.AbsolutePath;
        return uri.Host switch
        {
            "api.replicate.com" when request.Method == HttpMethod.Get => FakeProviderServer.Json($$"""{"id":"p1","model":"m","status":"{{key}}","output":null}"""),
            "queue.fal.run" when path.EndsWith("/status", StringComparison.Ordinal) => FakeProviderServer.Json($$"""{"status":"{{key}}","request_id":"r1"}"""),
            "api.bfl.ai" when request.Method == HttpMethod.Get => FakeProviderServer.Json($$"""{"id":"e8a7f3c2","status":"{{key}}"}"""),
            "firefly-api.adobe.io" when path.Contains("/status/", StringComparison.Ordinal) => FakeProviderServer.Json($$"""{"jobId":"j","status":"{{key}}"}"""),
            "cloud.leonardo.ai" when request.Method == HttpMethod.Get => FakeProviderServer.Json($$$"""{"generations_by_pk":{"id":"g1","status":"{{{key}}}","generated_images":[]}}"""),
            _ => null,
        };
    }

    // Every UnifiedImageGen activity, recorded when it stops.
    private static ActivityListener ListenToActivities(ConcurrentQueue<Activity> activities)
    {
        var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name.StartsWith("UnifiedImageGen", StringComparison.Ordinal),
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activities.Enqueue,
        };
        ActivitySource.AddActivityListener(listener);
        return listener;
    }

    // What telemetry could carry: names, status descriptions, tags and event tags.
    private static IEnumerable<(string Where, string Text)> ActivityTexts(IEnumerable<Activity> activities) => activities.SelectMany(activity =>
        new[] { ($"activity {activity.DisplayName}", activity.DisplayName + " " + activity.StatusDescription) }
            .Concat(activity.TagObjects.Select(t => ($"activity tag {t.Key}", $"{t.Key}={t.Value}")))
            .Concat(activity.Events.SelectMany(e => e.Tags.Select(t => ($"activity event {e.Name}", $"{e.Name} {t.Key}={t.Value}")))));

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Key_NeverAppears_InLogsTelemetryExceptionsOrResults(string provider)
    {
        var logs = new CapturingLoggerProvider();
        var activities = new ConcurrentQueue<Activity>();
        using var listener = ListenToActivities(activities);

        string key = ProviderHost.Keys[provider];
        string[] secrets = [key, .. ProviderHost.ExtraSecrets];
        var failures = new List<Exception>();
        var texts = new List<(string Where, string Text)>();
        foreach (var (name, answer, toThrow) in Failures(key))
        {
            using var host = new ProviderHost(provider, b => b.UseLogging().UseOpenTelemetry(), logs);
            host.Server.Override = (request, _) =>
            {
                // Let Firefly get its IMS token (so the failure hits the API call that carries it) except for the first case.
                if (provider == "firefly" && request.RequestUri!.Host.Contains("adobelogin", StringComparison.Ordinal) && name != "HTTP 401 echoing the key")
                {
                    return null;
                }

                if (toThrow is not null)
                {
                    return Task.FromException<HttpResponseMessage>(toThrow);
                }

                return answer?.Invoke(request, key) is { } response ? Task.FromResult(response) : null;
            };
            var ex = await Hostile.Catch(() => host.Run(host.Pipeline.GenerateAsync(ProviderHost.Valid(provider))));
            if (ex is null && name.StartsWith("job failure", StringComparison.Ordinal))
            {
                continue; // not a job provider: the emulator's normal answer succeeded
            }

            Assert.True(ex is ImageGenerationException or OperationCanceledException, $"{provider} / {name}: {ex}");
            failures.Add(ex!);
        }

        // A success too: its result, logged and traced, must not carry the key either.
        using (var ok = new ProviderHost(provider, b => b.UseLogging().UseOpenTelemetry(), logs))
        {
            var result = await ok.Run(ok.Pipeline.GenerateAsync(ProviderHost.Valid(provider)));
            texts.Add(("result.ToString()", result.ToString()));
            texts.Add(("result JSON", JsonSerializer.Serialize(result, new JsonSerializerOptions { WriteIndented = false })));
            texts.AddRange(result.Images.Select(i => ("image.ToString()", i.ToString())));
            Assert.All(ok.Server.Requests, r => Assert.DoesNotContain(r.Uri.Query, secrets));
        }

        foreach (var ex in failures)
        {
            texts.Add(("exception.Message", ex.Message));
            texts.Add(("exception.ToString()", ex.ToString()));
            if (ex is ImageGenerationException ige)
            {
                texts.Add(("exception.ResponseBody", ige.ResponseBody ?? ""));
                texts.Add(("exception.ProviderRequestId", ige.ProviderRequestId ?? ""));
                texts.Add(("exception.ProviderErrorCode", ige.ProviderErrorCode ?? ""));
                texts.Add(("exception JSON-ish", string.Join("|", ige.Data.Values.Cast<object?>().Select(v => v?.ToString()))));
            }
        }

        texts.AddRange(logs.Entries.Select(e => ($"log {e.Category} {e.EventId}", e.AllText)));
        texts.AddRange(ActivityTexts(activities));

        Assert.NotEmpty(logs.Entries);
        Assert.NotEmpty(activities);
        Assert.True(failures.Count >= 10, $"{provider}: only {failures.Count} failures were produced");
        foreach (var (where, text) in texts)
        {
            foreach (string secret in secrets)
            {
                Assert.False(text.Contains(secret, StringComparison.Ordinal), $"{provider}: the secret '{secret}' leaked into {where}: {text}");
            }
        }
    }

    // The secrets a provider's generator holds: the key, and per provider the Firefly client secret and IMS access
    // token, the BFL webhook secret (options) and a per-request one (set below), the ComfyUI proxy key (its ApiKey).
    private static string[] SecretsOf(string provider) => provider switch
    {
        "firefly" => [ProviderHost.Keys[provider], ProviderHost.ExtraSecrets[0], ProviderHost.ExtraSecrets[1]],
        "bfl" => [ProviderHost.Keys[provider], ProviderHost.ExtraSecrets[2], BflRequestWebhookSecret],
        _ => [ProviderHost.Keys[provider]],
    };

    private const string BflRequestWebhookSecret = "SECRET-bfl-request-webhook-5d6e7f8a";

    /// <summary>
    /// Seeded random failures for every provider whose answers echo one of its secrets in one of
    /// <see cref="Hostile.SecretEncodings"/> (JSON escapes of any character, percent-escapes, base64 and base64url at
    /// every alignment inside a larger blob, nested escapes), at a random offset of the error body, in the error code
    /// fields, in the request-id header, or in a failed job's message: the secret appears in no exception property,
    /// ToString, log line or telemetry tag, in any encoding.
    /// </summary>
    [Theory]
    [MemberData(nameof(Providers))]
    public async Task EncodedSecretEchoes_AtRandomPlaces_NeverLeakInAnyEncoding(string provider)
    {
        var random = new Random(provider.Aggregate(19, (h, c) => (h * 31) + c));
        var logs = new CapturingLoggerProvider();
        var activities = new ConcurrentQueue<Activity>();
        using var listener = ListenToActivities(activities);

        string[] secrets = SecretsOf(provider);
        using var host = new ProviderHost(provider, b => b.UseLogging().UseOpenTelemetry(), logs);
        var texts = new List<(string Where, string Text)>();
        HttpStatusCode[] statuses = [HttpStatusCode.BadRequest, HttpStatusCode.Unauthorized, HttpStatusCode.Forbidden, HttpStatusCode.NotFound, HttpStatusCode.UnprocessableEntity, HttpStatusCode.TooManyRequests, HttpStatusCode.InternalServerError, HttpStatusCode.ServiceUnavailable];
        int failures = 0;
        for (int i = 0; i < 75; i++)
        {
            string secret = secrets[random.Next(secrets.Length)];
            string encoding = Hostile.SecretEncodings[i % Hostile.SecretEncodings.Length];
            string form = Hostile.EncodeSecret(random, secret, encoding);
            string filler = new string('x', random.Next(0, 300)) + " ";
            string place = (i / Hostile.SecretEncodings.Length % 5) switch { 0 => "body", 1 => "error code", 2 => "request-id header", 3 => "job failure", _ => "unknown job status" };
            var status = statuses[random.Next(statuses.Length)];
            host.Server.Override = (request, _) =>
            {
                var uri = request.RequestUri!;
                if (uri.Host.Contains("adobelogin", StringComparison.Ordinal) || (request.Method == HttpMethod.Get && uri.Host == "cdn.example.com"))
                {
                    return null; // the IMS token (so the failure hits the call that carries it) and image downloads
                }

                HttpResponseMessage? response = place switch
                {
                    "body" => random.Next(2) == 0
                        ? FakeProviderServer.Json($$"""{"error":{"message":"{{filler}}{{form}} {{filler}}"},"detail":"{{filler}}{{form}}"}""", status)
                        : new HttpResponseMessage(status) { Content = new StringContent(filler + form + " " + filler) },
                    "error code" => FakeProviderServer.Json($$"""{"error":{"message":"refused","code":"{{form}}","type":"{{form}}","status":"{{form}}"},"title":"{{form}}","name":"{{form}}","detail":[{"loc":["body","x"],"msg":"bad","type":"{{form}}"}]}""", status),
                    "request-id header" => FakeProviderServer.Json("""{"error":{"message":"refused"}}""", status),
                    "job failure" => JobFailure(request, form),
                    _ => UnknownJobStatus(request, form),
                };
                if (response is not null && place == "request-id header")
                {
                    string id = random.Next(2) == 0 ? form : "req_" + filler.Trim() + form;
                    response.Headers.TryAddWithoutValidation("x-request-id", id);
                    response.Headers.TryAddWithoutValidation("x-fal-request-id", id);
                    response.Headers.TryAddWithoutValidation("cf-ray", id);
                }

                return response is null ? null : Task.FromResult(response);
            };

            var request = ProviderHost.Valid(provider);
            if (provider == "bfl" && secret == BflRequestWebhookSecret)
            {
                request = request.WithProviderOptions("bfl", new BlackForestLabs.BlackForestLabsRequestOptions { WebhookUrl = new Uri("https://hooks.example.com/bfl"), WebhookSecret = BflRequestWebhookSecret });
            }

            var ex = await Hostile.Catch(() => host.Run(host.Pipeline.GenerateAsync(request)));
            if (ex is null)
            {
                continue; // a job failure on a provider without jobs: the emulator's normal answer succeeded
            }

            Assert.True(ex is ImageGenerationException, $"{provider} / {encoding} in {place}: {ex}");
            failures++;
            var ige = (ImageGenerationException)ex;
            string where = $"{encoding} in {place}";
            texts.Add(($"{where}: exception.Message", ige.Message));
            texts.Add(($"{where}: exception.ToString()", ige.ToString()));
            texts.Add(($"{where}: exception.ResponseBody", ige.ResponseBody ?? ""));
            texts.Add(($"{where}: exception.ProviderRequestId", ige.ProviderRequestId ?? ""));
            texts.Add(($"{where}: exception.ProviderErrorCode", ige.ProviderErrorCode ?? ""));
        }

        texts.AddRange(logs.Entries.Select(e => ($"log {e.Category} {e.EventId}", e.AllText)));
        texts.AddRange(ActivityTexts(activities));

        Assert.True(failures >= 40, $"{provider}: only {failures} failures were produced");
        foreach (var (where, text) in texts)
        {
            foreach (string secret in secrets)
            {
                Assert.True(Hostile.FindSecret(text, secret) is null, $"{provider}: the secret '{secret}' leaked {Hostile.FindSecret(text, secret)} into {where}: {text}");
            }
        }
    }

    [Fact]
    public async Task ReplicateWebhookSigningSecret_OnceRead_IsRedactedFromLaterErrors()
    {
        const string SigningSecret = "whsec_c2lnbmluZy1zZWNyZXQtZm9yLXJlZGFjdGlvbi10ZXN0";
        using var host = new ProviderHost("replicate");
        host.Server.Override = (request, _) => request.RequestUri!.AbsolutePath.EndsWith("/webhooks/default/secret", StringComparison.Ordinal)
            ? Task.FromResult(FakeProviderServer.Json($$"""{"key":"{{SigningSecret}}"}"""))
            : Task.FromResult(FakeProviderServer.Json($$"""{"title":"bad","detail":"secret {{Convert.ToBase64String(Encoding.UTF8.GetBytes("x:" + SigningSecret))}} and {{SigningSecret["whsec_".Length..]}}"}""", HttpStatusCode.BadRequest));
        var generator = (Replicate.ReplicateImageGenerator)host.Provider;
        Assert.Equal(SigningSecret, await host.Run(generator.GetWebhookSigningSecretAsync()));

        var ex = Assert.IsType<ImageGenerationException>(await Hostile.Catch(() => host.Run(host.Provider.GenerateAsync(ProviderHost.Valid("replicate")))));
        foreach (string text in new[] { ex.Message, ex.ToString(), ex.ResponseBody ?? "" })
        {
            Assert.Null(Hostile.FindSecret(text, SigningSecret));
            Assert.Null(Hostile.FindSecret(text, SigningSecret["whsec_".Length..]));
        }
    }

    [Fact]
    public async Task Google_SendsItsKeyInAHeader_NeverInTheUrl()
    {
        using var host = new ProviderHost("google");
        await host.Run(host.Provider.GenerateAsync(ProviderHost.Valid("google")));
        var sent = Assert.Single(host.Server.Requests);
        Assert.DoesNotContain("key=", sent.Uri.Query, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(ProviderHost.Keys["google"], sent.Header("x-goog-api-key"));
    }

    [Fact]
    public void OptionsToString_NeverShowsTheKey()
    {
        foreach (var options in new ImageGeneratorOptionsBase[]
        {
            new OpenAI.OpenAIImageGeneratorOptions { ApiKey = ProviderHost.Keys["openai"] },
            new AdobeFirefly.AdobeFireflyImageGeneratorOptions { ApiKey = ProviderHost.Keys["firefly"], ClientSecret = ProviderHost.ExtraSecrets[0] },
            new BlackForestLabs.BlackForestLabsImageGeneratorOptions { ApiKey = ProviderHost.Keys["bfl"], WebhookSecret = ProviderHost.ExtraSecrets[2] },
        })
        {
            string text = options.ToString()!;
            Assert.DoesNotContain(options.ApiKey!, text, StringComparison.Ordinal);
            Assert.DoesNotContain(ProviderHost.ExtraSecrets[0], text, StringComparison.Ordinal);
            Assert.DoesNotContain(ProviderHost.ExtraSecrets[2], text, StringComparison.Ordinal);
        }
    }
}
