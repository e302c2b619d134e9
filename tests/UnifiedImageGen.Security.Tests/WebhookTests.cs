using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using UnifiedImageGen.Fal;
using UnifiedImageGen.Jobs;
using UnifiedImageGen.Replicate;
using UnifiedImageGen.Security.Tests.Harness;
using UnifiedImageGen.Testing;

namespace UnifiedImageGen.Security.Tests;

/// <summary>Webhook verifiers accept exactly the authentic, fresh delivery and refuse every forgery or replay.</summary>
public class WebhookTests
{
    private static readonly ManualTimeProvider Clock = new();
    private static readonly long Now = Clock.GetUtcNow().ToUnixTimeSeconds();

    // ---- Replicate: Standard Webhooks HMAC-SHA256 ----

    private static readonly byte[] ReplicateSecret = Enumerable.Range(1, 32).Select(i => (byte)(i * 7)).ToArray();
    private static readonly string ReplicateSecretText = "whsec_" + Convert.ToBase64String(ReplicateSecret);
    private static readonly byte[] PredictionBody = Encoding.UTF8.GetBytes("""{"id":"ufawqhfynnddngldkgtslldrkq","model":"black-forest-labs/flux-schnell","status":"succeeded","output":["https://replicate.delivery/a.webp"],"error":null,"logs":""}""");

    private static WebhookHeaders ReplicateHeaders(byte[] body, long timestamp, byte[]? secret = null, string id = "msg_2Lh9KRb0pzN4LePd3XiA4v12Axj")
    {
        string ts = timestamp.ToString(CultureInfo.InvariantCulture);
        byte[] signature = HMACSHA256.HashData(secret ?? ReplicateSecret, (byte[])[.. Encoding.UTF8.GetBytes($"{id}.{ts}."), .. body]);
        return WebhookHeaders.From([new("webhook-id", id), new("webhook-timestamp", ts), new("webhook-signature", "v1," + Convert.ToBase64String(signature))]);
    }

    [Fact]
    public void Replicate_CorrectDelivery_IsAccepted()
    {
        var verifier = new ReplicateWebhookVerifier(ReplicateSecretText, Clock);
        var job = verifier.VerifyAndParse(PredictionBody, ReplicateHeaders(PredictionBody, Now - 30));
        Assert.Equal((ImageJobStatus.Succeeded, "ufawqhfynnddngldkgtslldrkq"), (job.Status, job.Id));
    }

    [Fact]
    public void Replicate_BadSignature_IsRefused()
    {
        var verifier = new ReplicateWebhookVerifier(ReplicateSecretText, Clock);
        string ts = Now.ToString(CultureInfo.InvariantCulture);
        foreach (string signature in new[] { "v1," + Convert.ToBase64String(new byte[32]), "v1,AAAA", "v1,not base64!", "v2," + Convert.ToBase64String(HMACSHA256.HashData(ReplicateSecret, Encoding.UTF8.GetBytes($"m.{ts}.").Concat(PredictionBody).ToArray())), "", "v1," })
        {
            var headers = WebhookHeaders.From([new("webhook-id", "m"), new("webhook-timestamp", ts), new("webhook-signature", signature)]);
            Assert.Throws<WebhookVerificationException>(() => verifier.VerifyAndParse(PredictionBody, headers));
        }

        Assert.Throws<WebhookVerificationException>(() => verifier.VerifyAndParse(PredictionBody, new WebhookHeaders(_ => null)));
    }

    [Theory]
    [InlineData(-301)]
    [InlineData(301)]
    [InlineData(-86_400)]
    [InlineData(-1_000_000_000)]
    public void Replicate_ReplayOutsideTheTolerance_IsRefused(long offsetSeconds)
    {
        var verifier = new ReplicateWebhookVerifier(ReplicateSecretText, Clock);
        var ex = Assert.Throws<WebhookVerificationException>(() => verifier.VerifyAndParse(PredictionBody, ReplicateHeaders(PredictionBody, Now + offsetSeconds)));
        Assert.Contains("tolerance", ex.Message);
    }

    [Fact]
    public void Replicate_TimestampThatIsNoNumber_IsRefused()
    {
        var verifier = new ReplicateWebhookVerifier(ReplicateSecretText, Clock);
        foreach (string ts in new[] { "-5", "1e9", "99999999999999999999", " ", "abc" })
        {
            var headers = WebhookHeaders.From([new("webhook-id", "m"), new("webhook-timestamp", ts), new("webhook-signature", "v1,AAAA")]);
            Assert.Throws<WebhookVerificationException>(() => verifier.Verify(PredictionBody, headers));
        }
    }

    [Fact]
    public void Replicate_BodyChangedByOneByte_IsRefused()
    {
        var verifier = new ReplicateWebhookVerifier(ReplicateSecretText, Clock);
        var headers = ReplicateHeaders(PredictionBody, Now);
        for (int i = 0; i < PredictionBody.Length; i += 17)
        {
            byte[] tampered = (byte[])PredictionBody.Clone();
            tampered[i] ^= 0x01;
            Assert.Throws<WebhookVerificationException>(() => verifier.VerifyAndParse(tampered, headers));
        }

        Assert.Throws<WebhookVerificationException>(() => verifier.VerifyAndParse([.. PredictionBody, (byte)' '], headers));
        Assert.Throws<WebhookVerificationException>(() => verifier.VerifyAndParse(PredictionBody[..^1], headers));
    }

    [Fact]
    public void Replicate_SignedWithAnotherSecret_OrChangedId_IsRefused()
    {
        var verifier = new ReplicateWebhookVerifier(ReplicateSecretText, Clock);
        byte[] other = (byte[])ReplicateSecret.Clone();
        other[0] ^= 1;
        Assert.Throws<WebhookVerificationException>(() => verifier.VerifyAndParse(PredictionBody, ReplicateHeaders(PredictionBody, Now, other)));

        var signed = ReplicateHeaders(PredictionBody, Now, id: "msg_a");
        var moved = WebhookHeaders.From([new("webhook-id", "msg_b"), new("webhook-timestamp", signed.Get("webhook-timestamp")!), new("webhook-signature", signed.Get("webhook-signature")!)]);
        Assert.Throws<WebhookVerificationException>(() => verifier.VerifyAndParse(PredictionBody, moved));
    }

    // An empty or short HMAC key lets anyone compute a valid signature: "whsec_" alone decoded to a 0-byte key.
    [Theory]
    [InlineData("whsec_")]
    [InlineData("whsec_AA==")]
    [InlineData("whsec_AAAAAAAAAAAAAAAAAAAA")] // 15 bytes
    public void Replicate_SecretShorterThan16Bytes_IsRefusedNamingTheParameter(string secret)
    {
        var ex = Assert.Throws<ArgumentException>(() => new ReplicateWebhookVerifier(secret, Clock));
        Assert.Equal("signingSecret", ex.ParamName);
        Assert.Contains("at least 16", ex.Message);
    }

    [Fact]
    public void Replicate_EmptyKeyForgery_IsImpossible()
    {
        // What a forger signs with when the verifier's key is empty.
        byte[] forged = HMACSHA256.HashData(Array.Empty<byte>(), (byte[])[.. Encoding.UTF8.GetBytes($"m.{Now}."), .. PredictionBody]);
        var headers = WebhookHeaders.From([new("webhook-id", "m"), new("webhook-timestamp", Now.ToString(CultureInfo.InvariantCulture)), new("webhook-signature", "v1," + Convert.ToBase64String(forged))]);
        Assert.Throws<WebhookVerificationException>(() => new ReplicateWebhookVerifier(ReplicateSecretText, Clock).Verify(PredictionBody, headers));
        Assert.ThrowsAny<ArgumentException>(() => new ReplicateWebhookVerifier("whsec_", Clock));
    }

    // Timestamps past year 9999 made DateTimeOffset.FromUnixTimeSeconds throw ArgumentOutOfRangeException out of both verifiers.
    public static TheoryData<string> OutOfRangeTimestamps() => ["253402300800", "99999999999", "9223372036854775807", "1000000000000000000"];

    [Theory]
    [MemberData(nameof(OutOfRangeTimestamps))]
    public async Task EveryVerifier_TimestampBeyondTheCalendar_IsAVerificationFailure(string timestamp)
    {
        var replicate = WebhookHeaders.From([new("webhook-id", "m"), new("webhook-timestamp", timestamp), new("webhook-signature", "v1,AAAA")]);
        var ex = Assert.Throws<WebhookVerificationException>(() => new ReplicateWebhookVerifier(ReplicateSecretText, Clock).Verify(PredictionBody, replicate));
        Assert.Contains("tolerance", ex.Message);

        var fal = WebhookHeaders.From([new("X-Fal-Webhook-Request-Id", "r"), new("X-Fal-Webhook-User-Id", "user-1"), new("X-Fal-Webhook-Timestamp", timestamp), new("X-Fal-Webhook-Signature", "00")]);
        var falEx = await Assert.ThrowsAsync<WebhookVerificationException>(() => new FalWebhookVerifier(new StaticFalWebhookKeys(FalPublicKey), "user-1", Clock).VerifyAsync(FalBody, fal));
        Assert.Contains("tolerance", falEx.Message);
    }

    [Fact]
    public void Replicate_RandomTimestamps_AreRefusedOnlyWithWebhookVerificationException()
    {
        var random = new Random(19);
        var verifier = new ReplicateWebhookVerifier(ReplicateSecretText, Clock);
        for (int i = 0; i < 2000; i++)
        {
            string ts = random.Next(4) switch
            {
                0 => random.NextInt64(long.MaxValue).ToString(CultureInfo.InvariantCulture),
                1 => (Now + random.NextInt64(-1_000_000_000_000, 1_000_000_000_000)).ToString(CultureInfo.InvariantCulture),
                2 => new string((char)random.Next('0', '9' + 1), random.Next(1, 25)),
                _ => random.NextInt64(253402300700, 253402300900).ToString(CultureInfo.InvariantCulture),
            };
            var headers = WebhookHeaders.From([new("webhook-id", "m"), new("webhook-timestamp", ts), new("webhook-signature", "v1," + Convert.ToBase64String(new byte[32]))]);
            var ex = Record.Exception(() => verifier.Verify(PredictionBody, headers));
            Assert.True(ex is WebhookVerificationException, $"timestamp {ts}: {ex}");
        }
    }

    // ---- fal: Ed25519 over request id, user id, timestamp and the body's SHA-256, keys from a JWKS ----

    private static readonly byte[] FalSeed = Enumerable.Range(0, 32).Select(i => (byte)(0xA0 + i)).ToArray();
    private static readonly byte[] FalPublicKey = Ed25519Signer.PublicKey(FalSeed);
    private static readonly byte[] FalBody = Encoding.UTF8.GetBytes("""{"request_id":"764cabcf-b745-4b3e-ae38-1200304cf45b","gateway_request_id":"764cabcf","status":"OK","payload":{"images":[{"url":"https://v3.fal.media/files/a.jpeg","width":16,"height":12}],"seed":42}}""");

    private static WebhookHeaders FalHeaders(byte[] body, long timestamp, byte[]? seed = null, string requestId = "764cabcf-b745-4b3e-ae38-1200304cf45b", string userId = "user-1")
    {
        string ts = timestamp.ToString(CultureInfo.InvariantCulture);
        string message = $"{requestId}\n{userId}\n{ts}\n{Convert.ToHexString(SHA256.HashData(body)).ToLowerInvariant()}";
        byte[] signature = Ed25519Signer.Sign(seed ?? FalSeed, Encoding.UTF8.GetBytes(message));
        return WebhookHeaders.From([new("X-Fal-Webhook-Request-Id", requestId), new("X-Fal-Webhook-User-Id", userId), new("X-Fal-Webhook-Timestamp", ts), new("X-Fal-Webhook-Signature", Convert.ToHexString(signature).ToLowerInvariant())]);
    }

    [Fact]
    public void TestSigner_MatchesRfc8032TestVector1()
    {
        byte[] seed = Convert.FromHexString("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60");
        Assert.Equal("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a", Convert.ToHexString(Ed25519Signer.PublicKey(seed)).ToLowerInvariant());
        Assert.Equal("e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b", Convert.ToHexString(Ed25519Signer.Sign(seed, [])).ToLowerInvariant());
    }

    [Fact]
    public async Task Fal_CorrectDelivery_IsAccepted()
    {
        var verifier = new FalWebhookVerifier(new StaticFalWebhookKeys(FalPublicKey), "user-1", Clock);
        var job = await verifier.VerifyAndParseAsync(FalBody, FalHeaders(FalBody, Now - 10));
        Assert.Equal(ImageJobStatus.Succeeded, job.Status);
        Assert.Equal("https://v3.fal.media/files/a.jpeg", Assert.Single(job.OutputUris).ToString());
    }

    [Fact]
    public async Task Fal_BadSignature_IsRefused()
    {
        var verifier = new FalWebhookVerifier(new StaticFalWebhookKeys(FalPublicKey), "user-1", Clock);
        var good = FalHeaders(FalBody, Now);
        byte[] signature = Convert.FromHexString(good.Get("X-Fal-Webhook-Signature")!);
        foreach (string bad in new[] { new string('0', 128), "zz", "00", Convert.ToHexString(signature[..63]), Convert.ToHexString([.. signature[..32], .. new byte[32]]), Convert.ToHexString(Flip(signature, 40)) })
        {
            var headers = WebhookHeaders.From([new("X-Fal-Webhook-Request-Id", good.Get("X-Fal-Webhook-Request-Id")!), new("X-Fal-Webhook-User-Id", "user-1"), new("X-Fal-Webhook-Timestamp", good.Get("X-Fal-Webhook-Timestamp")!), new("X-Fal-Webhook-Signature", bad)]);
            await Assert.ThrowsAsync<WebhookVerificationException>(() => verifier.VerifyAndParseAsync(FalBody, headers));
        }

        // Signed for another user or request: the signature covers them.
        var forOther = FalHeaders(FalBody, Now, userId: "user-2");
        var swapped = WebhookHeaders.From([new("X-Fal-Webhook-Request-Id", forOther.Get("X-Fal-Webhook-Request-Id")!), new("X-Fal-Webhook-User-Id", "user-1"), new("X-Fal-Webhook-Timestamp", forOther.Get("X-Fal-Webhook-Timestamp")!), new("X-Fal-Webhook-Signature", forOther.Get("X-Fal-Webhook-Signature")!)]);
        await Assert.ThrowsAsync<WebhookVerificationException>(() => verifier.VerifyAndParseAsync(FalBody, swapped));
        await Assert.ThrowsAsync<WebhookVerificationException>(() => verifier.VerifyAndParseAsync(FalBody, new WebhookHeaders(_ => null)));
    }

    [Theory]
    [InlineData(-301)]
    [InlineData(301)]
    [InlineData(-604_800)]
    public async Task Fal_ReplayOutsideTheTolerance_IsRefused(long offsetSeconds)
    {
        var verifier = new FalWebhookVerifier(new StaticFalWebhookKeys(FalPublicKey), "user-1", Clock);
        var ex = await Assert.ThrowsAsync<WebhookVerificationException>(() => verifier.VerifyAndParseAsync(FalBody, FalHeaders(FalBody, Now + offsetSeconds)));
        Assert.Contains("tolerance", ex.Message);
    }

    [Fact]
    public async Task Fal_BodyChangedByOneByte_IsRefused()
    {
        var verifier = new FalWebhookVerifier(new StaticFalWebhookKeys(FalPublicKey), "user-1", Clock);
        var headers = FalHeaders(FalBody, Now);
        foreach (int i in new[] { 0, 20, FalBody.Length / 2, FalBody.Length - 1 })
        {
            await Assert.ThrowsAsync<WebhookVerificationException>(() => verifier.VerifyAndParseAsync(Flip(FalBody, i), headers));
        }
    }

    [Fact]
    public async Task Fal_SignedByAKeyNotInTheJwks_IsRefused()
    {
        byte[] otherSeed = Flip(FalSeed, 0);
        var jwks = $$"""{"keys":[{"kty":"OKP","crv":"Ed25519","kid":"fal-1","x":"{{Base64Url(FalPublicKey)}}"},{"kty":"RSA","kid":"rsa","n":"AQAB","e":"AQAB"},{"kty":"OKP","crv":"Ed25519","kid":"short","x":"AAAA"}]}""";
        var server = new ScriptedHandler().Then(() => Harness.FakeProviderServer.Json(jwks));
        var keys = new FalJwksKeys(new HttpClient(server), new Uri("https://rest.alpha.fal.ai/.well-known/jwks.json"), Clock);
        var verifier = new FalWebhookVerifier(keys, "user-1", Clock);

        var ex = await Assert.ThrowsAsync<WebhookVerificationException>(() => verifier.VerifyAndParseAsync(FalBody, FalHeaders(FalBody, Now, otherSeed)));
        Assert.Contains("key", ex.Message);
        var job = await verifier.VerifyAndParseAsync(FalBody, FalHeaders(FalBody, Now));
        Assert.Equal(ImageJobStatus.Succeeded, job.Status);
        Assert.Equal(1, server.Count); // the JWKS is cached, not fetched per delivery
        Assert.Single(await keys.GetKeysAsync());
    }

    // fal signs the deliveries of every account with the same JWKS (https://docs.fal.ai/model-endpoints/webhooks,
    // "Verifying Your Webhook"; headers X-Fal-Webhook-Request-Id / -User-Id / -Timestamp / -Signature): a delivery
    // signed correctly for another account verifies cryptographically and must be refused by its user id.
    [Fact]
    public async Task Fal_DeliveryCorrectlySignedForAnotherAccount_IsRefused()
    {
        var verifier = new FalWebhookVerifier(new StaticFalWebhookKeys(FalPublicKey), "user-1", Clock);
        var ex = await Assert.ThrowsAsync<WebhookVerificationException>(() => verifier.VerifyAndParseAsync(FalBody, FalHeaders(FalBody, Now, userId: "user-2")));
        Assert.Contains("another fal user", ex.Message);
        Assert.Equal(ImageJobStatus.Succeeded, (await verifier.VerifyAndParseAsync(FalBody, FalHeaders(FalBody, Now, userId: "user-1"))).Status);
    }

    [Theory]
    [InlineData("")]
    [InlineData(" ")]
    public void Fal_VerifierWithoutAnExpectedUserId_IsRefusedNamingTheParameter(string userId)
    {
        var ex = Assert.ThrowsAny<ArgumentException>(() => new FalWebhookVerifier(new StaticFalWebhookKeys(FalPublicKey), userId, Clock));
        Assert.Equal("expectedUserId", ex.ParamName);
    }

    public static TheoryData<string> JwksFailures() => ["500", "404", "429", "not json", "refused", "timeout"];

    [Theory]
    [MemberData(nameof(JwksFailures))]
    public async Task Fal_JwksFetchFailure_IsATypedRetryableImageGenerationException(string failure)
    {
        var server = new ScriptedHandler();
        _ = failure switch
        {
            "not json" => server.Then(() => Harness.FakeProviderServer.Json("<html>maintenance</html>")),
            "refused" => server.ThenThrow(new HttpRequestException("Connection refused", null, null)),
            "timeout" => server.ThenThrow(new TaskCanceledException("The request was canceled due to the configured HttpClient.Timeout")),
            var status => server.ThenStatus((System.Net.HttpStatusCode)int.Parse(status, CultureInfo.InvariantCulture), "{}"),
        };
        var verifier = new FalWebhookVerifier(new FalJwksKeys(new HttpClient(server), timeProvider: Clock), "user-1", Clock);
        var ex = await Assert.ThrowsAsync<ImageGenerationException>(() => verifier.VerifyAndParseAsync(FalBody, FalHeaders(FalBody, Now)));
        Assert.Equal("fal", ex.Provider);
        Assert.True(ex.IsTransient, ex.ToString());
        Assert.Contains("webhook keys", ex.Message);
    }

    private static byte[] Flip(byte[] data, int index)
    {
        byte[] copy = (byte[])data.Clone();
        copy[index] ^= 0x01;
        return copy;
    }

    private static string Base64Url(byte[] data) => Convert.ToBase64String(data).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
