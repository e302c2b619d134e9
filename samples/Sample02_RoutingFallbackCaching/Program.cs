// Routing, fallback, caching and cost tracking, offline: three routes (the first one is down), a cache hit on the
// repeated request, a budget, and a cost report. The two "paid" providers are simulations over the offline provider
// that report a price, so the sample runs with no key and no network.
using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using UnifiedImageGen;
using UnifiedImageGen.Caching;
using UnifiedImageGen.Costs;
using UnifiedImageGen.Placeholder;
using UnifiedImageGen.Routing;

var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
{
    ["ImageGeneration:Routing:Routes:0"] = "flaky/sim-pro",        // down: fails with ProviderUnavailable
    ["ImageGeneration:Routing:Routes:1"] = "studio/sim-standard",  // answers, $0.04 an image
    ["ImageGeneration:Routing:Routes:2"] = "placeholder/placeholder-v1",
    ["ImageGeneration:Routing:CircuitFailureThreshold"] = "1",     // rest a failing route at once: repeats are then
                                                                   // served from the cache of the route that answered
    ["ImageGeneration:Costs:MonthlyBudgetUsd"] = "0.20",
    ["ImageGeneration:Costs:Prices:0:Provider"] = "flaky",
    ["ImageGeneration:Costs:Prices:0:Usd"] = "0.08",
    ["ImageGeneration:Costs:Prices:1:Provider"] = "studio",
    ["ImageGeneration:Costs:Prices:1:Usd"] = "0.04",
    ["ImageGeneration:Providers:placeholder:DefaultWidth"] = "512",
    ["ImageGeneration:Providers:placeholder:DefaultHeight"] = "512",
}).Build();

var services = new ServiceCollection();
services.AddImageGeneration(configuration.GetSection("ImageGeneration"))
    .AddProvider("flaky", _ => new SimulatedProvider("flaky", "sim-pro", 0.08m, failing: true))
    .AddProvider("studio", _ => new SimulatedProvider("studio", "sim-standard", 0.04m, failing: false))
    .AddPlaceholder()
    .UseFallback()        // routes from ImageGeneration:Routing
    .UseCaching()         // outermost: a hit never reaches cost tracking or a provider
    .UseCostTracking();   // budgets and prices from ImageGeneration:Costs
await using var provider = services.BuildServiceProvider();
var images = provider.GetRequiredService<IImageGenerator>();

await Run("first request", new ImageGenerationRequest("a red fox in snow") { Seed = 42 });
await Run("same request again", new ImageGenerationRequest("  a red fox   in snow ") { Seed = 42 });
await Run("two more images", new ImageGenerationRequest("a lighthouse at dusk") { Seed = 7, Count = 2 });
await Run("over the budget", new ImageGenerationRequest("a castle") { Seed = 9, Count = 4 });

var ledger = provider.GetRequiredService<ICostLedger>();
var totals = await ledger.GetTotalsAsync(new CostQuery(), CostGrouping.Provider | CostGrouping.Model);
Console.WriteLine();
Console.WriteLine("Cost report (this month)");
Console.WriteLine($"{"Provider",-12} {"Model",-16} {"Calls",5} {"Images",6} {"Estimated",10} {"Actual",10}");
Console.WriteLine(new string('-', 64));
foreach (var total in totals)
{
    Console.WriteLine($"{total.Provider,-12} {total.Model,-16} {total.Calls,5} {total.Images,6} {Usd(total.EstimatedUsd),10} {Usd(total.ActualUsd),10}");
}

Console.WriteLine(new string('-', 64));
Console.WriteLine($"{"Total",-12} {"",-16} {totals.Sum(t => t.Calls),5} {totals.Sum(t => t.Images),6} {Usd(totals.Sum(t => t.EstimatedUsd)),10} {Usd(totals.Sum(t => t.ActualUsd)),10}");
return 0;

async Task Run(string title, ImageGenerationRequest request)
{
    Console.WriteLine($"== {title}");
    try
    {
        var result = await images.GenerateAsync(request);
        foreach (var attempt in result.Attempts)
        {
            Console.WriteLine($"   route {attempt.Provider}/{attempt.Model}: {attempt.Outcome}{(attempt.ErrorKind is { } kind ? $" ({kind})" : "")}");
        }

        Console.WriteLine($"   {result.Images.Count} image(s) from {result.Provider}/{result.Model}, from cache: {result.FromCache}, cost {Usd(result.Cost?.Usd ?? 0)} ({result.Cost?.Basis})");
    }
    catch (ImageGenerationException ex)
    {
        Console.WriteLine($"   refused ({ex.Kind}): {ex.Message}");
    }
}

static string Usd(decimal value) => "$" + value.ToString("0.00", CultureInfo.InvariantCulture);

/// <summary>A stand-in for a paid provider: renders offline and reports a price per image, or is down.</summary>
sealed class SimulatedProvider(string name, string model, decimal pricePerImage, bool failing) : IImageGenerator
{
    private readonly PlaceholderImageGenerator _renderer = new(new PlaceholderImageGeneratorOptions { DefaultWidth = 512, DefaultHeight = 512 });

    public ImageGeneratorMetadata Metadata { get; } = new(name, null, model, [new ImageModelDescriptor(model, ImageCapabilities.TextToImage | ImageCapabilities.Seed) { MaxImagesPerCall = 4 }]);

    public async Task<ImageGenerationResult> GenerateAsync(ImageGenerationRequest request, CancellationToken cancellationToken = default)
    {
        if (failing)
        {
            throw new ImageGenerationException(ImageGenerationErrorKind.ProviderUnavailable, $"{name} is down (HTTP 503).") { Provider = name, StatusCode = 503 };
        }

        var result = await _renderer.GenerateAsync(request with { Model = null }, cancellationToken);
        return result with
        {
            Provider = name,
            Model = model,
            Cost = new ImageCost { EstimatedUsd = pricePerImage * request.Count, ReportedUsd = pricePerImage * request.Count, Basis = "reported by the provider" },
        };
    }

    public object? GetService(Type serviceType, object? serviceKey = null) => serviceType.IsInstanceOfType(this) ? this : null;
}
