using System.Drawing;
using System.Net;
using System.Text.Json.Nodes;
using RichardSzalay.MockHttp;
using Meai = Microsoft.Extensions.AI;

namespace UnifiedImageGen.MicrosoftExtensionsAI.Tests;

public class MicrosoftAsUnifiedTests
{
    private static readonly Meai.ImageGeneratorMetadata VendorMetadata = new("vendor", new Uri("https://images.vendor.example/v1"), "vendor-image-2");

    [Fact]
    public async Task Request_MapsToTypedOptionsAndAdditionalProperties()
    {
        var fake = new FakeMicrosoftImageGenerator((_, _, _) => Task.FromResult(new Meai.ImageGenerationResponse([new Meai.DataContent(TestImages.Png(), "image/png")])), VendorMetadata);
        var generator = fake.AsUnifiedImageGenerator();

        await generator.GenerateAsync(new ImageGenerationRequest("a red fox in snow")
        {
            Model = "vendor-image-1",
            Count = 2,
            Size = new ImageSize(1024, 768),
            OutputFormat = ImageFormat.Jpeg,
            Seed = 42,
            NegativePrompt = "blurry",
            Quality = ImageQuality.High,
            Style = "vivid",
            User = "user-7",
            Steps = 28,
            GuidanceScale = 4.5,
            Loras = [new LoraWeight("owner/lora", 0.7)],
        }.WithProviderOptions("vendor", new JsonObject { ["moderation"] = "low" }).WithProviderOptions("openai", new JsonObject { ["background"] = "transparent" }));

        var (request, options) = Assert.Single(fake.Calls);
        Assert.Equal("a red fox in snow", request.Prompt);
        Assert.Null(request.OriginalImages);
        Assert.Equal(2, options!.Count);
        Assert.Equal(new Size(1024, 768), options.ImageSize);
        Assert.Equal("image/jpeg", options.MediaType);
        Assert.Equal("vendor-image-1", options.ModelId);
        Assert.Equal(Meai.ImageGenerationResponseFormat.Data, options.ResponseFormat);
        var properties = options.AdditionalProperties!;
        Assert.Equal(42L, properties["seed"]);
        Assert.Equal("blurry", properties["negative_prompt"]);
        Assert.Equal("high", properties["quality"]);
        Assert.Equal("vivid", properties["style"]);
        Assert.Equal("user-7", properties["user"]);
        Assert.Equal(28, properties["steps"]);
        Assert.Equal(4.5, properties["guidance_scale"]);
        Assert.Equal([new LoraWeight("owner/lora", 0.7)], Assert.IsType<LoraWeight[]>(properties["loras"]));
        Assert.Equal("low", Assert.IsAssignableFrom<JsonNode>(properties["moderation"]).GetValue<string>());
        var others = Assert.IsAssignableFrom<IReadOnlyDictionary<string, object>>(properties["provider_options"]);
        Assert.Equal("openai", Assert.Single(others).Key);
        Assert.False(properties.ContainsKey("operation"));
        Assert.False(properties.ContainsKey("aspect_ratio"));
    }

    [Fact]
    public async Task Request_WithoutModel_SendsTheDefaultModelOfTheMetadata_AndNoModelWhenUnknown()
    {
        var known = new FakeMicrosoftImageGenerator((_, _, _) => Task.FromResult(new Meai.ImageGenerationResponse([new Meai.DataContent(TestImages.Png(), "image/png")])), VendorMetadata);
        var unknown = FakeMicrosoftImageGenerator.Returning(new Meai.DataContent(TestImages.Png(), "image/png"));

        var knownResult = await known.AsUnifiedImageGenerator().GenerateAsync("a fox");
        var unknownResult = await unknown.AsUnifiedImageGenerator().GenerateAsync("a fox");

        Assert.Equal("vendor-image-2", known.Calls.Single().Options!.ModelId);
        Assert.Equal("vendor-image-2", knownResult.Model);
        Assert.Null(unknown.Calls.Single().Options!.ModelId);
        Assert.Equal(("meai", "default"), (unknownResult.Provider, unknownResult.Model));
    }

    [Fact]
    public async Task AspectRatioAlone_IsSentAsASizeOfThatShape()
    {
        var fake = FakeMicrosoftImageGenerator.Returning(new Meai.DataContent(TestImages.Png(), "image/png"));

        await fake.AsUnifiedImageGenerator().GenerateAsync(new ImageGenerationRequest("wide") { AspectRatio = AspectRatio.Landscape16x9 });

        var options = fake.Calls.Single().Options!;
        var size = options.ImageSize!.Value;
        Assert.Equal(16.0 / 9, (double)size.Width / size.Height, precision: 1);
        Assert.Equal("16:9", options.AdditionalProperties!["aspect_ratio"]);
    }

    [Fact]
    public async Task Edit_SendsInputImagesAsOriginalImages_AndTheMaskAndOperationAsProperties()
    {
        byte[] png = TestImages.Png(40, 30);
        byte[] mask = TestImages.Png(40, 30, seed: 3);
        var fake = FakeMicrosoftImageGenerator.Returning(new Meai.DataContent(TestImages.Png(), "image/png"));

        await fake.AsUnifiedImageGenerator().EditAsync(ImageInput.FromBytes(png), "repaint the sky", ImageInput.FromBytes(mask));

        var (request, options) = fake.Calls.Single();
        var original = Assert.IsType<Meai.DataContent>(Assert.Single(request.OriginalImages!));
        Assert.Equal("image/png", original.MediaType);
        Assert.Equal(png, original.Data.ToArray());
        Assert.Equal("Inpaint", options!.AdditionalProperties!["operation"]);
        Assert.Equal(mask, Assert.IsType<Meai.DataContent>(options.AdditionalProperties["mask"]).Data.ToArray());
    }

    [Fact]
    public async Task DataContentResult_BecomesBytesWithTheSniffedTypeSizeAndExtras()
    {
        byte[] png = TestImages.Png(32, 24);
        var content = new Meai.DataContent(png, "application/octet-stream")
        {
            AdditionalProperties = new() { ["seed"] = 5L, ["revised_prompt"] = "A detailed fox", ["provider_request_id"] = "req_9", ["cost_usd"] = 0.04m },
        };
        var response = new Meai.ImageGenerationResponse([content]);
        var fake = new FakeMicrosoftImageGenerator((_, _, _) => Task.FromResult(response), VendorMetadata);

        var result = await fake.AsUnifiedImageGenerator().GenerateAsync("a fox");

        var image = Assert.Single(result.Images);
        Assert.Equal(png, image.Data.ToArray());
        Assert.Equal(("image/png", 32, 24), (image.MediaType, image.Width!.Value, image.Height!.Value));
        Assert.Equal((5L, "A detailed fox"), (image.Seed!.Value, image.RevisedPrompt));
        Assert.Equal(("vendor", "vendor-image-2", "req_9"), (result.Provider, result.Model, result.ProviderRequestId));
        Assert.Equal(0.04m, result.Cost!.ReportedUsd);
        Assert.Same(response, result.RawRepresentation);
        Assert.Null(result.Usage);
    }

    [Fact]
    public async Task DataContentResult_ThatIsNoImage_IsAnUnexpectedResponse()
    {
        var fake = FakeMicrosoftImageGenerator.Returning(new Meai.DataContent("<html>oops</html>"u8.ToArray(), "image/png"));

        var error = await Assert.ThrowsAsync<ImageGenerationException>(() => fake.AsUnifiedImageGenerator().GenerateAsync("a fox"));

        Assert.Equal(ImageGenerationErrorKind.UnexpectedResponse, error.Kind);
    }

    [Fact]
    public async Task UriResult_IsDownloadedWithTheCallersHttpClient()
    {
        byte[] png = TestImages.Png(40, 20);
        using var mock = new MockHttpMessageHandler();
        mock.Expect(HttpMethod.Get, "https://cdn.vendor.example/images/1.png").Respond("image/png", new MemoryStream(png));
        using var http = mock.ToHttpClient();
        var fake = FakeMicrosoftImageGenerator.Returning(new Meai.UriContent("https://cdn.vendor.example/images/1.png", "image/png"));

        var result = await fake.AsUnifiedImageGenerator(o => o.DownloadHttpClient = http).GenerateAsync("a fox");

        mock.VerifyNoOutstandingExpectation();
        var image = Assert.Single(result.Images);
        Assert.Equal(png, image.Data.ToArray());
        Assert.Equal(("image/png", 40, 20), (image.MediaType, image.Width!.Value, image.Height!.Value));
        Assert.Equal(new Uri("https://cdn.vendor.example/images/1.png"), image.SourceUri);
    }

    [Fact]
    public async Task UriResult_ThatExpired_IsAnUnexpectedResponse()
    {
        using var mock = new MockHttpMessageHandler();
        mock.When("https://cdn.vendor.example/*").Respond(HttpStatusCode.NotFound);
        using var http = mock.ToHttpClient();
        var fake = FakeMicrosoftImageGenerator.Returning(new Meai.UriContent("https://cdn.vendor.example/gone.png", "image/png"));

        var error = await Assert.ThrowsAsync<ImageGenerationException>(() => fake.AsUnifiedImageGenerator(o => o.DownloadHttpClient = http).GenerateAsync("a fox"));

        Assert.Equal((ImageGenerationErrorKind.UnexpectedResponse, 404), (error.Kind, error.StatusCode!.Value));
    }

    [Theory]
    [InlineData("http://cdn.vendor.example/plain.png")]
    [InlineData("https://127.0.0.1/local.png")]
    public async Task UriResult_NotHttpsOrPrivate_IsRefusedWithoutARequest(string url)
    {
        using var mock = new MockHttpMessageHandler();
        using var http = mock.ToHttpClient();
        var fake = FakeMicrosoftImageGenerator.Returning(new Meai.UriContent(url, "image/png"));

        var error = await Assert.ThrowsAsync<ImageGenerationException>(() => fake.AsUnifiedImageGenerator(o => o.DownloadHttpClient = http).GenerateAsync("a fox"));

        Assert.Equal(ImageGenerationErrorKind.UnexpectedResponse, error.Kind);
        Assert.StartsWith("Refused", error.Message);
    }

    [Fact]
    public async Task Usage_MapsFromUsageDetails()
    {
        var response = new Meai.ImageGenerationResponse([new Meai.DataContent(TestImages.Png(), "image/png")])
        {
            Usage = new Meai.UsageDetails
            {
                InputTokenCount = 60,
                InputTextTokenCount = 50,
                OutputTokenCount = 4160,
                TotalTokenCount = 4220,
                AdditionalCounts = new() { ["input_image_tokens"] = 10 },
            },
        };
        var fake = new FakeMicrosoftImageGenerator((_, _, _) => Task.FromResult(response));

        var usage = (await fake.AsUnifiedImageGenerator().GenerateAsync("a fox")).Usage!;

        Assert.Equal((60L, 50L, 10L, 4160L, 4220L), (usage.InputTokens!.Value, usage.InputTextTokens!.Value, usage.InputImageTokens!.Value, usage.OutputTokens!.Value, usage.TotalTokens!.Value));
    }

    [Fact]
    public async Task ErrorContent_BecomesAFailedSlot_WithItsTextRedactedInTheBody()
    {
        var fake = FakeMicrosoftImageGenerator.Returning(
            new Meai.DataContent(TestImages.Png(), "image/png"),
            new Meai.ErrorContent("Blocked. api_key=sk-live1234567890abcdef") { ErrorCode = "ContentPolicy" },
            new Meai.ErrorContent("Something odd") { ErrorCode = "vendor_quirk" });

        var result = await fake.AsUnifiedImageGenerator().GenerateAsync(new ImageGenerationRequest("a fox") { Count = 3 });

        Assert.Equal(3, result.Images.Count);
        Assert.True(result.Images[0].IsSuccess);
        var blocked = result.Images[1].Error!;
        Assert.Equal((ImageGenerationErrorKind.ContentPolicy, "ContentPolicy", "meai"), (blocked.Kind, blocked.ProviderErrorCode, blocked.Provider));
        Assert.DoesNotContain("sk-live", blocked.ResponseBody);
        Assert.DoesNotContain("Blocked", blocked.Message);
        Assert.Equal(ImageGenerationErrorKind.UnexpectedResponse, result.Images[2].Error!.Kind);
    }

    [Fact]
    public async Task ResponseWithoutImages_IsAnUnexpectedResponse()
    {
        var fake = FakeMicrosoftImageGenerator.Returning(new Meai.TextContent("I cannot draw that."));

        var error = await Assert.ThrowsAsync<ImageGenerationException>(() => fake.AsUnifiedImageGenerator().GenerateAsync("a fox"));

        Assert.Equal(ImageGenerationErrorKind.UnexpectedResponse, error.Kind);
    }

    public static TheoryData<Exception, ImageGenerationErrorKind, int?> InnerFailures => new()
    {
        { new HttpRequestException("Too many requests", null, HttpStatusCode.TooManyRequests), ImageGenerationErrorKind.RateLimited, 429 },
        { new InvalidOperationException("client failed", new HttpRequestException("bad gateway", null, HttpStatusCode.BadGateway)), ImageGenerationErrorKind.ProviderUnavailable, 502 },
        { new HttpRequestException("connection refused"), ImageGenerationErrorKind.ProviderUnavailable, null },
        { new TimeoutException("slow"), ImageGenerationErrorKind.Timeout, null },
        { new TaskCanceledException("HttpClient.Timeout elapsed"), ImageGenerationErrorKind.Timeout, null },
        { new ArgumentException("size not supported"), ImageGenerationErrorKind.InvalidRequest, null },
        { new NotSupportedException("edits are not supported"), ImageGenerationErrorKind.InvalidRequest, null },
        { new InvalidOperationException("unexpected"), ImageGenerationErrorKind.UnexpectedResponse, null },
    };

    [Theory]
    [MemberData(nameof(InnerFailures))]
    public async Task InnerException_IsWrappedWithAKindFromItsTypeOrStatus(Exception thrown, ImageGenerationErrorKind kind, int? status)
    {
        var generator = FakeMicrosoftImageGenerator.Throwing(thrown).AsUnifiedImageGenerator(o => o.ProviderName = "vendor");

        var error = await Assert.ThrowsAsync<ImageGenerationException>(() => generator.GenerateAsync("a secret prompt about a fox"));

        Assert.Equal((kind, status, "vendor"), (error.Kind, error.StatusCode, error.Provider));
        Assert.Equal(ImageGenerationException.IsTransientKind(kind), error.IsTransient);
        Assert.Same(thrown, error.InnerException);
        Assert.Contains(thrown.GetType().Name, error.Message);
        Assert.DoesNotContain("secret prompt", error.Message);
        Assert.DoesNotContain(thrown.Message, error.Message);
    }

    [Fact]
    public async Task InnerException_PassesThroughWhenItIsAlreadyUnified_OrACancellationOfTheCaller()
    {
        var unified = new ImageGenerationException(ImageGenerationErrorKind.BudgetExceeded, "Over budget.");
        var error = await Assert.ThrowsAsync<ImageGenerationException>(() => FakeMicrosoftImageGenerator.Throwing(unified).AsUnifiedImageGenerator().GenerateAsync("a fox"));
        Assert.Same(unified, error);

        using var cancellation = new CancellationTokenSource();
        var slow = new FakeMicrosoftImageGenerator(async (_, _, ct) =>
        {
            await Task.Delay(Timeout.Infinite, ct);
            throw new InvalidOperationException("unreachable");
        });
        var call = slow.AsUnifiedImageGenerator().GenerateAsync(new ImageGenerationRequest("a fox"), cancellation.Token);
        await cancellation.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call);
    }

    [Fact]
    public async Task ClassifyError_DecidesTheKindOfVendorExceptions()
    {
        var generator = FakeMicrosoftImageGenerator.Throwing(new VendorException(402)).AsUnifiedImageGenerator(o =>
            o.ClassifyError = ex => ex is VendorException vendor ? ImageGenerationException.KindFromStatusCode(vendor.Status) : null);

        var error = await Assert.ThrowsAsync<ImageGenerationException>(() => generator.GenerateAsync("a fox"));

        Assert.Equal(ImageGenerationErrorKind.InsufficientCredits, error.Kind);
    }

    [Fact]
    public void Metadata_ComesFromTheMicrosoftMetadata_AndIsPermissive()
    {
        var generator = new FakeMicrosoftImageGenerator((_, _, _) => throw new InvalidOperationException(), VendorMetadata).AsUnifiedImageGenerator();

        var metadata = generator.Metadata;
        Assert.Equal(("vendor", new Uri("https://images.vendor.example/v1"), "vendor-image-2"), (metadata.ProviderName, metadata.Endpoint, metadata.DefaultModel));
        var model = metadata.GetModel("any-model");
        Assert.Equal(ImageCapabilities.All, model.Capabilities);
        Assert.True(model.MaxImagesPerCall > 1, "the wrapped generator handles Count itself");
    }

    [Fact]
    public async Task ListedModels_AreEnforced_WithWarningsOrBeforeAnyCall()
    {
        var descriptor = new ImageModelDescriptor("basic", ImageCapabilities.TextToImage) { MaxImagesPerCall = 4 };
        var fake = FakeMicrosoftImageGenerator.Returning(new Meai.DataContent(TestImages.Png(), "image/png"));
        var warn = fake.AsUnifiedImageGenerator(o => o.Models.Add(descriptor));
        var strict = fake.AsUnifiedImageGenerator(o =>
        {
            o.Models.Add(descriptor);
            o.UnsupportedSettingBehavior = UnsupportedSettingBehavior.Throw;
        });

        Assert.Equal("basic", warn.Metadata.DefaultModel);
        var result = await warn.GenerateAsync(new ImageGenerationRequest("a fox") { Seed = 3 });
        Assert.Equal("Seed", Assert.Single(result.Warnings).Setting);
        Assert.False(fake.Calls.Single().Options!.AdditionalProperties?.ContainsKey("seed") ?? false);

        var error = await Assert.ThrowsAsync<ImageGenerationException>(() => strict.GenerateAsync(new ImageGenerationRequest("a fox") { Seed = 3 }));
        Assert.Equal(ImageGenerationErrorKind.InvalidRequest, error.Kind);
        await Assert.ThrowsAsync<ImageGenerationException>(() => strict.EditAsync(ImageInput.FromBytes(TestImages.Png()), "edit"));
        Assert.Single(fake.Calls);
    }

    [Fact]
    public async Task ProviderOptions_MicrosoftOptionsAreTheStartingPoint_AndAFactoryIsPassedOn()
    {
        var fake = FakeMicrosoftImageGenerator.Returning(new Meai.DataContent(TestImages.Png(), "image/png"));
        var generator = fake.AsUnifiedImageGenerator(o => o.ProviderName = "vendor");
        var start = new Meai.ImageGenerationOptions { ResponseFormat = Meai.ImageGenerationResponseFormat.Uri, StreamingCount = 2, AdditionalProperties = new() { ["moderation"] = "low" } };
        Func<Meai.IImageGenerator, object?> factory = _ => "vendor raw options";

        await generator.GenerateAsync(new ImageGenerationRequest("a fox") { Seed = 1 }.WithProviderOptions("vendor", start));
        await generator.GenerateAsync(new ImageGenerationRequest("a fox").WithProviderOptions("vendor", factory));

        var first = fake.Calls[0].Options!;
        Assert.NotSame(start, first);
        Assert.Equal((Meai.ImageGenerationResponseFormat.Uri, 2), (first.ResponseFormat!.Value, first.StreamingCount!.Value));
        Assert.Equal(("low", 1L), (first.AdditionalProperties!["moderation"], first.AdditionalProperties["seed"]));
        Assert.Single(start.AdditionalProperties);
        Assert.Same(factory, fake.Calls[1].Options!.RawRepresentationFactory);

        await Assert.ThrowsAsync<ArgumentException>(() => generator.GenerateAsync(new ImageGenerationRequest("a fox").WithProviderOptions("vendor", 42)));
    }

    [Fact]
    public void GetService_FindsTheMicrosoftGeneratorAndBothMetadatas()
    {
        var fake = new FakeMicrosoftImageGenerator((_, _, _) => throw new InvalidOperationException(), VendorMetadata);
        var generator = fake.AsUnifiedImageGenerator();

        Assert.Same(fake, generator.GetService<Meai.IImageGenerator>());
        Assert.Same(fake, generator.GetService<FakeMicrosoftImageGenerator>());
        Assert.Same(VendorMetadata, generator.GetService<Meai.ImageGeneratorMetadata>());
        Assert.Same(generator.Metadata, generator.GetService<ImageGeneratorMetadata>());
        Assert.Same(generator, generator.GetService<IImageGenerator>());
    }

    [Fact]
    public void Dispose_DisposesTheMicrosoftGenerator()
    {
        var fake = FakeMicrosoftImageGenerator.Returning();

        ((IDisposable)fake.AsUnifiedImageGenerator()).Dispose();

        Assert.True(fake.Disposed);
    }

    private sealed class VendorException(int status) : Exception("vendor failure")
    {
        public int Status { get; } = status;
    }
}
