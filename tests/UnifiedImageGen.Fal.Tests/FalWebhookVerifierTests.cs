using System.Text;
using UnifiedImageGen.Jobs;
using UnifiedImageGen.Testing;

namespace UnifiedImageGen.Fal.Tests;

public class FalWebhookVerifierTests
{
    // Signed outside the SDK with OpenSSL (`openssl pkeyutl -sign -rawin`) using an Ed25519 key made from a fixed seed;
    // the message is request_id \n user_id \n timestamp \n hex(sha256(body)).
    private const string PublicKey = "HXLzLwlj5JemI30fE2Ys-vwcuipK8JvcYe51XlxckFg";
    private const string Signature = "7687e159851c943e3cc581fb6bd79dbcd7ea13e788f70bd4a8d0df5ec91a381f4016806787290351536f5c4d1a3952f6ee2ca63ca4315683ff8bb1b1f8c85e0b";
    private const string Body = """{"request_id":"764cabcf-b745-4b3e-ae38-1200304cf45b","gateway_request_id":"764cabcf-b745-4b3e-ae38-1200304cf45b","status":"OK","payload":{"images":[{"url":"https://v3.fal.media/files/rabbit/out.jpeg","width":1024,"height":768,"content_type":"image/jpeg"}],"seed":42,"has_nsfw_concepts":[false],"timings":{"inference":1.8},"prompt":"a fox"}}""";
    private static readonly string Jwks = $$"""{"keys":[{"kty":"OKP","crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo","kid":"old"},{"kty":"OKP","crv":"Ed25519","x":"{{PublicKey}}","kid":"current"},{"kty":"RSA","n":"x","e":"AQAB"}]}""";

    private static readonly ManualTimeProvider Clock = new(DateTimeOffset.FromUnixTimeSeconds(1764000000).AddSeconds(-20));

    private static WebhookHeaders Headers(string requestId = "764cabcf-b745-4b3e-ae38-1200304cf45b", string userId = "user-456", string timestamp = "1764000000", string signature = Signature) =>
        WebhookHeaders.From(new Dictionary<string, string>
        {
            ["X-Fal-Webhook-Request-Id"] = requestId,
            ["x-fal-webhook-user-id"] = userId,
            ["X-Fal-Webhook-Timestamp"] = timestamp,
            ["X-Fal-Webhook-Signature"] = signature,
        });

    private static FalWebhookVerifier Verifier(TimeProvider? clock = null, string expectedUserId = "user-456") =>
        new(new StaticFalWebhookKeys(FalJwksKeys.Parse(Encoding.UTF8.GetBytes(Jwks))), expectedUserId, clock ?? Clock);

    [Fact]
    public async Task ValidDelivery_VerifiesAgainstAnyKeyOfTheSet_AndParsesIntoAJob()
    {
        var job = await Verifier().VerifyAndParseAsync(Encoding.UTF8.GetBytes(Body), Headers());
        Assert.Equal(("764cabcf-b745-4b3e-ae38-1200304cf45b", ImageJobStatus.Succeeded), (job.Id, job.Status));
        Assert.Equal("https://v3.fal.media/files/rabbit/out.jpeg", Assert.Single(job.OutputUris).ToString());
    }

    [Theory]
    [InlineData("body")]
    [InlineData("request")]
    [InlineData("user")]
    [InlineData("timestamp")]
    [InlineData("signature")]
    public async Task TamperedDeliveries_AreRejected(string tampered)
    {
        string body = tampered == "body" ? Body.Replace("\"seed\":42", "\"seed\":43", StringComparison.Ordinal) : Body;
        var headers = tampered switch
        {
            "request" => Headers(requestId: "764cabcf-0000-4b3e-ae38-1200304cf45b"),
            "user" => Headers(userId: "user-457"),
            "timestamp" => Headers(timestamp: "1764000001"),
            "signature" => Headers(signature: "00" + Signature[2..]),
            _ => Headers(),
        };
        // A verifier expecting the tampered user id, so that the signature is what refuses the "user" case.
        var verifier = Verifier(expectedUserId: tampered == "user" ? "user-457" : "user-456");
        var ex = await Assert.ThrowsAsync<WebhookVerificationException>(() => verifier.VerifyAsync(Encoding.UTF8.GetBytes(body), headers));
        Assert.Contains("No fal webhook key verifies the signature", ex.Message);
    }

    [Fact]
    public async Task UnknownKey_ReplayOutsideTheWindow_AndMissingHeaders_AreRejected()
    {
        var otherKeys = new FalWebhookVerifier(new StaticFalWebhookKeys([Convert.FromHexString("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a")]), "user-456", Clock);
        await Assert.ThrowsAsync<WebhookVerificationException>(() => otherKeys.VerifyAsync(Encoding.UTF8.GetBytes(Body), Headers()));

        var later = new ManualTimeProvider(DateTimeOffset.FromUnixTimeSeconds(1764000000).AddMinutes(10));
        var stale = await Assert.ThrowsAsync<WebhookVerificationException>(() => Verifier(later).VerifyAsync(Encoding.UTF8.GetBytes(Body), Headers()));
        Assert.Contains("tolerance is 300 s", stale.Message);

        var missing = await Assert.ThrowsAsync<WebhookVerificationException>(() => Verifier().VerifyAsync(Encoding.UTF8.GetBytes(Body), new WebhookHeaders(_ => null)));
        Assert.Contains("X-Fal-Webhook-Request-Id", missing.Message);
    }

    [Fact]
    public async Task Jwks_IsFetchedOnce_AndRefreshedAfter24Hours()
    {
        var server = new ScriptedHandler().ThenStatus(System.Net.HttpStatusCode.OK, Jwks);
        var time = new ManualTimeProvider();
        var keys = new FalJwksKeys(new HttpClient(server), timeProvider: time);
        Assert.Equal(2, (await keys.GetKeysAsync()).Count);
        await keys.GetKeysAsync();
        Assert.Equal(1, server.Count);
        Assert.Equal("https://rest.alpha.fal.ai/.well-known/jwks.json", server.Requests.Single().Uri.ToString());
        time.Advance(TimeSpan.FromHours(25));
        await keys.GetKeysAsync();
        Assert.Equal(2, server.Count);
    }

    // PROVIDERS.md 13.6: keys rotate; with no matching cached key the JWKS is fetched again once (rate-limited) before refusing.
    [Fact]
    public async Task RotatedKey_TriggersOneRateLimitedRefetch_BeforeRefusing()
    {
        const string OldOnly = """{"keys":[{"kty":"OKP","crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo","kid":"old"}]}""";
        var server = new ScriptedHandler().ThenStatus(System.Net.HttpStatusCode.OK, OldOnly).ThenStatus(System.Net.HttpStatusCode.OK, Jwks);
        var keyClock = new ManualTimeProvider();
        var keys = new FalJwksKeys(new HttpClient(server), timeProvider: keyClock);
        var verifier = new FalWebhookVerifier(keys, "user-456", Clock);
        await keys.GetKeysAsync(); // cached before fal rotated
        keyClock.Advance(TimeSpan.FromMinutes(10));
        await verifier.VerifyAsync(Encoding.UTF8.GetBytes(Body), Headers());
        Assert.Equal(2, server.Count);

        // A forged signature right after finds no key, and does not fetch again inside MinRefreshInterval.
        await Assert.ThrowsAsync<WebhookVerificationException>(() => verifier.VerifyAsync(Encoding.UTF8.GetBytes(Body), Headers(signature: "00" + Signature[2..])));
        Assert.Equal(2, server.Count);
    }
}
