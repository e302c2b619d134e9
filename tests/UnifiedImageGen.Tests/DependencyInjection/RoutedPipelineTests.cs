using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using UnifiedImageGen.Caching;
using UnifiedImageGen.Costs;
using UnifiedImageGen.Placeholder;
using UnifiedImageGen.Routing;
using UnifiedImageGen.Testing;

namespace UnifiedImageGen.Tests.DependencyInjection;

public class RoutedPipelineTests
{
    [Fact]
    public async Task RoutesCacheAndBudgets_ComeFromConfiguration_AndTheDefaultGeneratorIsTheRoutedPipeline()
    {
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ImageGeneration:Routing:Routes:0"] = "down/model-1",
            ["ImageGeneration:Routing:Routes:1"] = "placeholder/placeholder-v1",
            // One failure rests the route, so the repeat is served from the cache of the route that answered.
            ["ImageGeneration:Routing:CircuitFailureThreshold"] = "1",
            ["ImageGeneration:Caching:Expiration"] = "01:00:00",
            ["ImageGeneration:Costs:MonthlyBudgetUsd"] = "0.05",
            ["ImageGeneration:Costs:Prices:0:Provider"] = "placeholder",
            ["ImageGeneration:Costs:Prices:0:Model"] = "*",
            ["ImageGeneration:Costs:Prices:0:Usd"] = "0.02",
            // With a budget set, every route needs a price (an unpriced one is refused before any call).
            ["ImageGeneration:Costs:Prices:1:Provider"] = "down",
            ["ImageGeneration:Costs:Prices:1:Model"] = "*",
            ["ImageGeneration:Costs:Prices:1:Usd"] = "0.01",
            ["ImageGeneration:Providers:placeholder:DefaultWidth"] = "32",
            ["ImageGeneration:Providers:placeholder:DefaultHeight"] = "32",
        }).Build();
        var down = new ScriptedImageGenerator("down", (_, _, _) => Task.FromException<ImageGenerationResult>(new ImageGenerationException(ImageGenerationErrorKind.ProviderUnavailable, "down")));
        var services = new ServiceCollection();
        services.AddImageGeneration(config.GetSection("ImageGeneration"))
            .AddProvider("down", _ => down)
            .AddPlaceholder()
            .UseFallback()
            .UseCaching()
            .UseCostTracking();
        using var provider = services.BuildServiceProvider();
        provider.GetRequiredService<IStartupValidator>().Validate();
        var generator = provider.GetRequiredService<IImageGenerator>();

        Assert.IsType<CachingImageGenerator>(generator);
        Assert.NotNull(generator.GetService<CostTrackingImageGenerator>());
        Assert.NotNull(generator.GetService<FallbackImageGenerator>());
        Assert.NotNull(generator.GetService<PlaceholderImageGenerator>());

        var request = new ImageGenerationRequest("a fox") { Seed = 1 };
        var first = await generator.GenerateAsync(request);
        Assert.Equal("placeholder", first.Provider);
        Assert.Equal([RouteAttemptOutcome.Failed, RouteAttemptOutcome.Succeeded], first.Attempts.Select(a => a.Outcome));
        var second = await generator.GenerateAsync(request);
        Assert.True(second.FromCache);
        Assert.Equal(1, down.Calls);

        var ledger = provider.GetRequiredService<ICostLedger>();
        Assert.Single(await ledger.GetEntriesAsync(new CostQuery()));
        // The placeholder reports a cost of zero, which wins over the configured price; the estimate ($0.02 an image) still gates.
        var refused = await Assert.ThrowsAsync<ImageGenerationException>(() => generator.GenerateAsync(request with { Seed = 3, Count = 3 }));
        Assert.Equal(ImageGenerationErrorKind.BudgetExceeded, refused.Kind);
    }

    [Fact]
    public void UnknownProviderInARoute_SaysWhichAreRegistered()
    {
        var services = new ServiceCollection();
        services.AddImageGeneration().AddPlaceholder().UseFallback("openai/gpt-image-2");
        using var provider = services.BuildServiceProvider();
        var ex = Assert.Throws<InvalidOperationException>(() => provider.GetRequiredService<IImageGenerator>());
        Assert.Contains("Route 'openai/gpt-image-2' names provider 'openai', which is not registered. Registered: placeholder.", ex.Message);
    }
}
