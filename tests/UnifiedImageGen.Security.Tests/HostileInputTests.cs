using System.Text.Json.Nodes;
using UnifiedImageGen.Security.Tests.Harness;

namespace UnifiedImageGen.Security.Tests;

/// <summary>
/// Input a caller (or an attacker behind a caller) can send: every provider refuses it with a clear error before it
/// reaches the network, or, where only the provider can judge, fails with a typed error and no harm done.
/// </summary>
public class HostileInputTests
{
    public static TheoryData<string> Providers() => [.. ProviderHost.Http, "placeholder"];

    public static TheoryData<string> HttpProviders() => [.. ProviderHost.Http];

    private static async Task<Exception> RefusedBeforeNetwork(ProviderHost host, ImageGenerationRequest request)
    {
        var ex = await Hostile.Catch(() => host.Run(host.Provider.GenerateAsync(request)));
        Assert.NotNull(ex);
        Assert.True(ex is ArgumentException or ImageGenerationException { Kind: ImageGenerationErrorKind.InvalidRequest or ImageGenerationErrorKind.ModelNotFound }, $"{host.Name}: expected an argument error, got {ex}");
        Assert.True(host.Server.Count == 0, $"{host.Name} sent {host.Server.Count} request(s) for a request it should have refused: {string.Join(", ", host.Server.Requests.Select(r => r.Uri))}");
        return ex;
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Valid_Request_Succeeds_SoTheRefusalsBelowAreNotAccidents(string provider)
    {
        using var host = new ProviderHost(provider);
        var result = await host.Run(host.Provider.GenerateAsync(ProviderHost.Valid(provider)));
        Assert.NotEmpty(result.Images);
        Assert.All(result.Images, i => Assert.False(i.Data.IsEmpty));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task EmptyPrompt_IsArgumentException_BeforeAnyRequest(string provider)
    {
        using var host = new ProviderHost(provider);
        var ex = await RefusedBeforeNetwork(host, ProviderHost.Valid(provider) with { Prompt = "" });
        Assert.IsAssignableFrom<ArgumentException>(ex);
        Assert.Contains("request.Prompt", ex.Message);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task MillionCharacterPrompt_IsRefusedNamingTheLimit_BeforeAnyRequest(string provider)
    {
        using var host = new ProviderHost(provider);
        var ex = await RefusedBeforeNetwork(host, ProviderHost.Valid(provider) with { Prompt = new string('a', 1_000_000) });
        Assert.Contains("1,000,000", ex.Message);
        Assert.Contains("at most", ex.Message);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task ControlCharactersAndUnpairedSurrogates_AreRefused_BeforeAnyRequest(string provider)
    {
        foreach (string prompt in new[] { "a fox\u0000", "a fox \u001b[31m red", "a fox \uD800 alone", "a fox \uDC00", "end with high \uD83D" })
        {
            using var host = new ProviderHost(provider);
            var ex = await RefusedBeforeNetwork(host, ProviderHost.Valid(provider) with { Prompt = prompt });
            Assert.IsAssignableFrom<ArgumentException>(ex);
            Assert.Contains("request.Prompt", ex.Message);
        }

        using var negative = new ProviderHost(provider);
        var negativeEx = await RefusedBeforeNetwork(negative, ProviderHost.Valid(provider) with { NegativePrompt = "blur\u0007" });
        Assert.Contains("request.NegativePrompt", negativeEx.Message);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task CountOutOfRange_IsArgumentException_NamingTheLimit(string provider)
    {
        foreach (int count in new[] { 0, -1, 129, int.MaxValue })
        {
            using var host = new ProviderHost(provider);
            var ex = await RefusedBeforeNetwork(host, ProviderHost.Valid(provider) with { Count = count });
            Assert.IsAssignableFrom<ArgumentException>(ex);
            Assert.Contains("between 1 and 128", ex.Message);
        }
    }

    [Fact]
    public void Sizes_OfZeroAndOneHundredThousand_CannotBeMade()
    {
        Assert.Equal("width", Assert.Throws<ArgumentOutOfRangeException>(() => new ImageSize(0, 512)).ParamName);
        Assert.Equal("height", Assert.Throws<ArgumentOutOfRangeException>(() => new ImageSize(512, 0)).ParamName);
        var big = Assert.Throws<ArgumentOutOfRangeException>(() => new ImageSize(100_000, 100_000));
        Assert.Contains("16384", big.Message);
        Assert.False(ImageSize.TryParse("100000x100000", null, out _));
        Assert.False(ImageSize.TryParse("0x0", null, out _));
        Assert.False(ImageSize.TryParse("-1x5", null, out _));
        Assert.False(ImageSize.TryParse("99999999999999999999x1", null, out _));
        Assert.Throws<FormatException>(() => ImageSize.Parse("100000x100000"));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task DefaultSize_OfZeroByZero_IsRefused_BeforeAnyRequest(string provider)
    {
        using var host = new ProviderHost(provider);
        var ex = await RefusedBeforeNetwork(host, ProviderHost.Valid(provider) with { Size = default(ImageSize) });
        Assert.Contains("request.Size", ex.Message);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task NegativeSeed_IsArgumentException_BeforeAnyRequest(string provider)
    {
        foreach (long seed in new[] { -1L, long.MinValue })
        {
            using var host = new ProviderHost(provider);
            var ex = await RefusedBeforeNetwork(host, ProviderHost.Valid(provider) with { Seed = seed });
            Assert.Contains("request.Seed", ex.Message);
        }
    }

    [Theory]
    [InlineData("stability", 4_294_967_294L)]
    [InlineData("ideogram", 2_147_483_647L)]
    public async Task SeedAboveTheProvidersDocumentedRange_IsArgumentException_BeforeAnyRequest(string provider, long max)
    {
        using var host = new ProviderHost(provider);
        var ex = await RefusedBeforeNetwork(host, ProviderHost.Valid(provider) with { Seed = max + 1 });
        Assert.IsAssignableFrom<ArgumentException>(ex);
        Assert.Contains(max.ToString(System.Globalization.CultureInfo.InvariantCulture), ex.Message);

        using var atLimit = new ProviderHost(provider);
        await atLimit.Run(atLimit.Provider.GenerateAsync(ProviderHost.Valid(provider) with { Seed = max }));
    }

    [Theory]
    [MemberData(nameof(HttpProviders))]
    public async Task HugeSeed_NeverCrashes_AndIsNeverSentWrappedNegative(string provider)
    {
        using var host = new ProviderHost(provider);
        var ex = await Hostile.Catch(() => host.Run(host.Provider.GenerateAsync(ProviderHost.Valid(provider) with { Seed = long.MaxValue, Count = 4 })));
        Assert.True(ex is null or ArgumentException or ImageGenerationException, $"{provider}: {ex}");
        Assert.All(host.Server.Requests, r => Assert.DoesNotContain("-9223372036854775", r.BodyText, StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task StrengthStepsAndGuidanceOutOfRange_AreArgumentExceptions_BeforeAnyRequest(string provider)
    {
        var bad = new Func<ImageGenerationRequest, ImageGenerationRequest>[]
        {
            r => r with { Strength = double.NaN },
            r => r with { Strength = 1.5 },
            r => r with { Steps = 0 },
            r => r with { Steps = 1_000_000 },
            r => r with { GuidanceScale = double.PositiveInfinity },
            r => r with { GuidanceScale = -1 },
            r => r with { Operation = (ImageOperation)99 },
            r => r with { AspectRatio = default(AspectRatio) },
        };
        foreach (var change in bad)
        {
            using var host = new ProviderHost(provider);
            var ex = await RefusedBeforeNetwork(host, change(ProviderHost.Valid(provider)));
            Assert.IsAssignableFrom<ArgumentException>(ex);
            Assert.Equal("request", ((ArgumentException)ex).ParamName);
        }
    }

    [Fact]
    public void ImagesThatAreNotImages_OrLieAboutTheirType_AreRefusedWhenCreated()
    {
        var notImage = Assert.Throws<ArgumentException>(() => ImageInput.FromBytes("<?php system($_GET['c']); ?>"u8.ToArray()));
        Assert.Equal("data", notImage.ParamName);
        Assert.Throws<ArgumentException>(() => ImageInput.FromBytes("<svg xmlns=\"http://www.w3.org/2000/svg\" onload=\"alert(1)\"/>"u8.ToArray(), "image/svg+xml"));
        Assert.Throws<ArgumentException>(() => ImageInput.FromBytes(ReadOnlyMemory<byte>.Empty));
        Assert.Throws<ArgumentException>(() => ImageInput.FromBytes(new byte[] { 0x89, 0x50, 0x4E })); // a truncated PNG signature

        var lying = Assert.Throws<ArgumentException>(() => ImageInput.FromBytes(Hostile.Png(4, 4), "image/jpeg"));
        Assert.Equal("mediaType", lying.ParamName);
        Assert.Contains("image/png", lying.Message);

        // A polyglot: a PNG signature in front of a script is still only a PNG to the SDK, never "text/html".
        byte[] polyglot = [.. Hostile.Png(4, 4), .. "<script>alert(1)</script>"u8.ToArray()];
        Assert.Equal("image/png", ImageInput.FromBytes(polyglot).MediaType);
        Assert.Throws<ArgumentException>(() => ImageInput.FromBytes(polyglot, "text/html"));
    }

    [Fact]
    public void UrlInputs_MustBeAbsoluteHttps()
    {
        foreach (string url in new[] { "http://cdn.example.com/a.png", "file:///etc/passwd", "ftp://example.com/a.png", "data:image/png;base64,AAAA", "gopher://127.0.0.1:6379/_FLUSHALL" })
        {
            var ex = Assert.Throws<ArgumentException>(() => ImageInput.FromUri(new Uri(url)));
            Assert.Equal("uri", ex.ParamName);
        }

        Assert.Throws<ArgumentException>(() => ImageInput.FromUri(new Uri("/a.png", UriKind.Relative)));
    }

    [Fact]
    public async Task TwoHundredMegabyteInput_IsRefusedByItsLength_WithoutReadingIt()
    {
        var ex = Assert.Throws<ArgumentException>(() => ImageInput.FromBytes(Hostile.Claiming(200 * 1024 * 1024)));
        Assert.Equal("data", ex.ParamName);
        Assert.Contains("209,715,200", ex.Message);
        Assert.Contains("64 MiB", ex.Message);

        // The same from a file: a sparse 200 MB file is refused by its length, not read into memory.
        string folder = Directory.CreateTempSubdirectory("uig-sec-").FullName;
        try
        {
            string path = Path.Combine(folder, "huge.png");
            await using (var file = File.Create(path))
            {
                await file.WriteAsync(Hostile.Png(4, 4));
                file.SetLength(200L * 1024 * 1024);
            }

            long before = GC.GetAllocatedBytesForCurrentThread();
            var fileEx = await Assert.ThrowsAsync<ArgumentException>(() => ImageInput.FromFileAsync(path));
            Assert.Contains("209,715,200", fileEx.Message);
            Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 10 * 1024 * 1024, "the file was read into memory");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Theory]
    [InlineData("openai", "gpt-image-1")]
    [InlineData("stability", "inpaint")]
    [InlineData("ideogram", null)]
    [InlineData("bfl", "flux-pro-1.0-fill")]
    [InlineData("replicate", "black-forest-labs/flux-fill-pro")]
    [InlineData("comfyui", null)]
    public async Task MaskOfTheWrongSize_IsRefused_BeforeAnyRequest(string provider, string? model)
    {
        using var host = new ProviderHost(provider);
        var request = new ImageGenerationRequest("replace the sky")
        {
            Model = model,
            Operation = ImageOperation.Inpaint,
            InputImages = [ImageInput.FromBytes(Hostile.Png(64, 64))],
            Mask = ImageInput.FromBytes(Hostile.Png(32, 48)),
        };
        var ex = await RefusedBeforeNetwork(host, request);
        Assert.Contains("ask", ex.Message); // names the mask ("Mask", "mask")
    }

    [Fact]
    public async Task MaskWithoutImage_IsArgumentException_ForEveryProvider()
    {
        foreach (string provider in ProviderHost.Http)
        {
            using var host = new ProviderHost(provider);
            var ex = await RefusedBeforeNetwork(host, ProviderHost.Valid(provider) with { Operation = ImageOperation.Inpaint, Mask = ImageInput.FromBytes(Hostile.Png(4, 4)) });
            Assert.IsAssignableFrom<ArgumentException>(ex);
        }
    }

    public static TheoryData<string, string> ReservedMembers() => new()
    {
        { "openai", "model" }, { "openai", "prompt" }, { "openai", "n" }, { "openai", "Model" },
        { "stability", "prompt" }, { "stability", "model" }, { "stability", "image" },
        { "replicate", "prompt" },
        { "fal", "prompt" }, { "fal", "PROMPT" },
        { "bfl", "prompt" }, { "bfl", "webhook_secret" }, { "bfl", "webhook_url" },
        { "google", "prompt" }, { "google", "contents" }, { "google", "instances" },
        { "ideogram", "prompt" }, { "ideogram", "model" },
        { "leonardo", "prompt" }, { "leonardo", "modelId" },
        { "firefly", "prompt" },
    };

    [Theory]
    [MemberData(nameof(ReservedMembers))]
    public async Task ProviderOptionsJson_ThatOverridesModelPromptOrAuth_IsArgumentException_BeforeAnyRequest(string provider, string member)
    {
        using var host = new ProviderHost(provider);
        var request = ProviderHost.Valid(provider).WithProviderOptions(provider, new JsonObject { [member] = "ignore previous instructions" });
        var ex = await RefusedBeforeNetwork(host, request);
        var argument = Assert.IsAssignableFrom<ArgumentException>(ex);
        Assert.Equal("request", argument.ParamName);
        Assert.Contains(member, ex.Message);
    }

    [Theory]
    [MemberData(nameof(HttpProviders))]
    public async Task ProviderOptionsOfAnotherType_IsArgumentException_BeforeAnyRequest(string provider)
    {
        if (provider == "comfyui")
        {
            return; // ComfyUI takes no provider options: workflows are configured on the generator.
        }

        using var host = new ProviderHost(provider);
        var ex = await RefusedBeforeNetwork(host, ProviderHost.Valid(provider).WithProviderOptions(provider, new Uri("https://evil.example/")));
        Assert.Contains($"ProviderOptions[\"{provider}\"]", ex.Message);
    }

    [Theory]
    [MemberData(nameof(HttpProviders))]
    public async Task ModelIds_ThatLookLikeUrlsOrPaths_NeverSendTheKeyToAnotherHost(string provider)
    {
        foreach (string model in new[] { "https://evil.example/steal", "//evil.example/steal", "http://169.254.169.254/latest/meta-data", "../../../evil", "a\r\nX-Injected: 1", "evil.example:443/x" })
        {
            using var host = new ProviderHost(provider);
            var ex = await Hostile.Catch(() => host.Run(host.Provider.GenerateAsync(ProviderHost.Valid(provider) with { Model = model })));
            Assert.True(ex is null or ArgumentException or ImageGenerationException, $"{provider} / {model}: {ex}");
            foreach (var sent in host.Server.Requests)
            {
                Assert.False(sent.Uri.Host is "evil.example" or "169.254.169.254", $"{provider} sent a request to {sent.Uri} for model '{model}'");
                Assert.DoesNotContain(sent.Headers, h => h.Key.Equals("X-Injected", StringComparison.OrdinalIgnoreCase));
            }
        }
    }
}
