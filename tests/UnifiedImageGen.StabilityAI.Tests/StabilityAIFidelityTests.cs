using System.Net;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using UnifiedImageGen.Costs;
using UnifiedImageGen.Imaging;
using UnifiedImageGen.Resilience;
using UnifiedImageGen.Testing;

using static UnifiedImageGen.StabilityAI.Tests.StabilityTestHost;

namespace UnifiedImageGen.StabilityAI.Tests;

// Issue 17 items for Stability, each pinned to PROVIDERS.md 13.3 (read against Stability's v2beta OpenAPI spec).
public class StabilityAIFidelityTests
{

    private static HttpResponseMessage Image()
    {
        var content = new ByteArrayContent(Png);
        content.Headers.ContentType = new("image/png");
        return new HttpResponseMessage(HttpStatusCode.OK) { Content = content };
    }

    // PROVIDERS.md 13.3: creative upscale 60 credits, conservative 40, fast 2, remove-background 5; 1 credit = $0.01.
    [Theory]
    [InlineData("upscale-creative", 0.60)]
    [InlineData("upscale-conservative", 0.40)]
    [InlineData("upscale-fast", 0.02)]
    [InlineData("remove-background", 0.05)]
    public void PriceLines_PriceTheUpscalesAndRemoveBackgroundAsBilled(string model, double usd)
    {
        var catalog = new PriceCatalog(StabilityAIModels.PriceLines());
        Assert.Equal((decimal)usd, catalog.Estimate("stability", model, new ImageGenerationRequest { Model = model })!.EstimatedUsd);
    }

    [Fact]
    public void EveryModelTheGeneratorAccepts_HasAPriceLineTheCostLayerFinds_ForItsOwnId()
    {
        using var generator = new StabilityAIImageGenerator(new HttpClient(new ScriptedHandler()), new StabilityAIImageGeneratorOptions { ApiKey = Key });
        var catalog = new PriceCatalog(StabilityAIModels.PriceLines());
        foreach (var model in generator.Metadata.Models)
        {
            var line = catalog.Find("stability", model.Id);
            Assert.True(line is not null && line.Model == model.Id, $"no price line keyed '{model.Id}'");
        }
    }

    [Fact]
    public void TheBuiltInCatalog_WhichACostLayerBuiltWithNewUses_PricesTheUpscalesAndRemoveBackgroundAsBilled()
    {
        // PROVIDERS.md 13.3: creative upscale 60 credits, conservative 40, fast 2, remove-background 5; 1 credit = $0.01.
        var request = new ImageGenerationRequest();
        Assert.Equal(
            (0.60m, 0.40m, 0.02m, 0.05m),
            (PriceCatalog.Default.Estimate("stability", "upscale-creative", request)!.EstimatedUsd,
             PriceCatalog.Default.Estimate("stability", "upscale-conservative", request)!.EstimatedUsd,
             PriceCatalog.Default.Estimate("stability", "upscale-fast", request)!.EstimatedUsd,
             PriceCatalog.Default.Estimate("stability", "remove-background", request)!.EstimatedUsd));
    }

    [Fact]
    public void TheBuiltInCatalog_AgreesWithThePackagesPriceLines_ForEveryModel()
    {
        // Two tables hold Stability's credits: the core's (used by a cost layer built with new) and the package's (put
        // first by AddStabilityAI). They must not drift apart.
        var request = new ImageGenerationRequest();
        var package = new PriceCatalog(StabilityAIModels.PriceLines(), includeBuiltIn: false);
        Assert.All(StabilityAIModels.PriceLines(), line => Assert.True(
            package.Estimate("stability", line.Model, request)!.EstimatedUsd == PriceCatalog.Default.Estimate("stability", line.Model, request)!.EstimatedUsd,
            $"{line.Model}: the package prices {package.Estimate("stability", line.Model, request)!.EstimatedUsd}, the built-in catalog {PriceCatalog.Default.Estimate("stability", line.Model, request)!.EstimatedUsd}"));
    }

    [Fact]
    public async Task ThroughDependencyInjection_TheBudgetCheckPricesACreativeUpscaleAt60Credits()
    {
        var services = new ServiceCollection();
        services.AddImageGeneration().AddStabilityAI(o => o.ApiKey = Key, configureHttpClient: http => http.ConfigurePrimaryHttpMessageHandler(() => new ScriptedHandler()));
        services.AddOptions<CostTrackingOptions>();
        using var provider = services.BuildServiceProvider();
        var prices = new PriceCatalog(provider.GetRequiredService<Microsoft.Extensions.Options.IOptions<CostTrackingOptions>>().Value.Prices);
        Assert.Equal(0.60m, prices.Estimate("stability", "upscale-creative", new ImageGenerationRequest())!.EstimatedUsd);
    }

    // PROVIDERS.md 2.6 and 13.3: 404 generation_not_found on GET /v2beta/results/{id} means an unknown or expired id (kept 24 h).
    [Fact]
    public async Task ResultsNotFound_IsAnUnknownOrExpiredJob_NotModelNotFound()
    {
        var (generator, server, time) = Create();
        server.Then(() => Json("""{"id":"3ff8d4a4e2e7d0b9d8a7c6b5a4f3e2d1","name":"generation_not_found","errors":["generation ID not found"]}""", HttpStatusCode.NotFound));
        var ex = await Assert.ThrowsAsync<ImageGenerationException>(() => time.RunAsync(generator.GetJobAsync("a6dc6c6e20acda01")));
        Assert.Equal((ImageGenerationErrorKind.InvalidRequest, 404, "generation_not_found"), (ex.Kind, ex.StatusCode, ex.ProviderErrorCode));
        Assert.Contains("expired", ex.Message);
    }

    // PROVIDERS.md 13.3: a 429 locks the key out for 60 s, so it is not retried; the same rule serves the constructors and DI.
    [Fact]
    public async Task TheConstructorsRetryRule_DoesNotRetryA429()
    {
        var server = new ScriptedHandler().Then(() => Json("""{"id":"x","name":"rate_limit_exceeded","errors":["slow down"]}""", HttpStatusCode.TooManyRequests))
            .Then(() => Json("""{"id":"x","name":"rate_limit_exceeded","errors":["slow down"]}""", HttpStatusCode.TooManyRequests));
        var resilience = StabilityAIImageGenerator.ConfigureResilience(new ImageGenerationResilienceOptions());
        var time = new ManualTimeProvider();
        using var http = new HttpClient(new ImageGenerationResilienceHandler("stability", resilience, time) { InnerHandler = server });
        var generator = new StabilityAIImageGenerator(http, new StabilityAIImageGeneratorOptions { ApiKey = Key }, time, owned: false);
        var ex = await Assert.ThrowsAsync<ImageGenerationException>(() => time.RunAsync(generator.GenerateAsync("x")));
        Assert.Equal((ImageGenerationErrorKind.RateLimited, TimeSpan.FromSeconds(60)), (ex.Kind, ex.RetryAfter));
        Assert.Equal(1, server.Count);
    }

    // PROVIDERS.md 13.3: creativity is 0.2-0.5 on the conservative upscale and 0.1-0.5 on the creative one.
    [Theory]
    [InlineData("upscale-conservative", 0.1, false)]
    [InlineData("upscale-conservative", 0.2, true)]
    [InlineData("upscale-conservative", 0.6, false)]
    [InlineData("upscale-creative", 0.1, true)]
    [InlineData("upscale-creative", 0.05, false)]
    [InlineData("upscale-creative", 0.55, false)]
    [InlineData("outpaint", 0.9, true)]
    public async Task Creativity_IsCheckedAgainstTheEndpointsRange(string model, double creativity, bool accepted)
    {
        var (generator, server, time) = Create();
        server.Then(() => model == "upscale-creative" ? Json("""{"id":"abc"}""") : Image()).Then(Image);
        var request = new ImageGenerationRequest("sharper") { Model = model, Operation = model == "outpaint" ? ImageOperation.Outpaint : ImageOperation.Upscale, InputImages = [Photo] }
            .WithProviderOptions("stability", new StabilityAIRequestOptions { Creativity = creativity, Left = 10 });
        if (accepted)
        {
            await time.RunAsync(generator.StartAsync(request));
            Assert.Equal(creativity.ToString(System.Globalization.CultureInfo.InvariantCulture), Parts(server.Requests.First())["creativity"].Text);
        }
        else
        {
            var ex = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => generator.StartAsync(request));
            Assert.Contains("Creativity", ex.Message);
            Assert.Equal(0, server.Count);
        }
    }

    // PROVIDERS.md 13.3: remove-background and creative upscale need every side at least 64 px.
    [Theory]
    [InlineData("remove-background", ImageOperation.RemoveBackground)]
    [InlineData("upscale-creative", ImageOperation.Upscale)]
    public async Task SidesUnder64Pixels_AreRefusedBeforeSending(string model, ImageOperation operation)
    {
        var (generator, server, _) = Create();
        var narrow = ImageInput.FromBytes(PngEncoder.Encode(new byte[128 * 48 * 4], 128, 48));
        var ex = await Assert.ThrowsAsync<ImageGenerationException>(() => generator.StartAsync(new ImageGenerationRequest("x") { Model = model, Operation = operation, InputImages = [narrow] }));
        Assert.Contains("takes sides 64", ex.Message);
        Assert.Equal(0, server.Count);
    }

    // PROVIDERS.md 13.3: negative_prompt does not work with sd3.5-large-turbo.
    [Fact]
    public async Task Sd35LargeTurbo_GetsNoNegativePrompt_AndSaysSo()
    {
        var (generator, server, time) = Create();
        server.Then(Image);
        var result = await time.RunAsync(generator.GenerateAsync(new ImageGenerationRequest("a fox") { Model = "sd3.5-large-turbo", NegativePrompt = "blur" }));
        Assert.False(Parts(server.Requests.Single()).ContainsKey("negative_prompt"));
        Assert.Equal("NegativePrompt", Assert.Single(result.Warnings).Setting);
    }

    // PROVIDERS.md 2.3: outpaint takes left/right/up/down edges, not a size.
    [Fact]
    public async Task OutpaintWarning_SaysWhatBecameOfTheSize()
    {
        var (generator, server, time) = Create();
        server.Then(Image).Then(Image);
        var grown = await time.RunAsync(generator.GenerateAsync(new ImageGenerationRequest { Operation = ImageOperation.Outpaint, InputImages = [Photo], Size = new ImageSize(196, 32) }));
        var warning = Assert.Single(grown.Warnings);
        Assert.Equal((ImageGenerationWarningKind.Adjusted, "Size"), (warning.Kind, warning.Setting));
        Assert.Contains("196x64", warning.Message);
        Assert.Contains("left 50, right 50, up 0, down 0", warning.Message);

        var ignored = await time.RunAsync(generator.GenerateAsync(new ImageGenerationRequest { Operation = ImageOperation.Outpaint, InputImages = [Photo], Size = new ImageSize(196, 64) }
            .WithProviderOptions("stability", new StabilityAIRequestOptions { Up = 20 })));
        Assert.Contains("Size was ignored", Assert.Single(ignored.Warnings).Message);
        Assert.Equal("20", Parts(server.Requests.Last())["up"].Text);
    }

    // PROVIDERS.md 2.7 and 13.3: GET /v1/user/balance answers {"credits": n}.
    [Fact]
    public async Task CreditBalance_ReadsCreditsFromV1UserBalance()
    {
        var (generator, server, time) = Create();
        server.Then(() => Json("""{"credits":1234.5}"""));
        Assert.Equal(1234.5m, await time.RunAsync(generator.GetCreditBalanceAsync()));
        var sent = server.Requests.Single();
        Assert.Equal((HttpMethod.Get, "https://api.stability.ai/v1/user/balance", $"Bearer {Key}"), (sent.Method, sent.Uri.ToString(), sent.Header("Authorization")));
    }
}
