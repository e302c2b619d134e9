using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using UnifiedImageGen;
using UnifiedImageGen.Caching;
using UnifiedImageGen.Costs;
using UnifiedImageGen.Diagnostics;
using UnifiedImageGen.MicrosoftExtensionsAI;
using UnifiedImageGen.OpenAI;
using UnifiedImageGen.Placeholder;
using UnifiedImageGen.Routing;

namespace UnifiedImageGen.Documentation.Tests;

/// <summary>
/// The README's C# snippets, verbatim, inside the context each needs, so they compile with the tests;
/// <see cref="ReadmeSnippetTests"/> fails when a README block is not found here line for line.
/// </summary>
internal static class ReadmeSnippets
{
    public static async Task Overview(IServiceProvider provider)
    {
        IImageGenerator generator = provider.GetRequiredService<IImageGenerator>();
        ImageGenerationResult result = await generator.GenerateAsync("a red fox in snow");
        await result.Image.SaveAsync("fox.png");
    }

    public static void UsingItInAnApp(HostApplicationBuilder builder)
    {
        builder.Services.AddImageGeneration(builder.Configuration.GetSection("ImageGeneration"))
                        .AddOpenAI()                       // each Add{Provider}() registers a keyed IImageGenerator
                        .AddPlaceholder();
    }

    public sealed class CatalogImages(IImageGenerator images)
    {
        public async Task<byte[]> HeroAsync(string product, CancellationToken ct)
        {
            var result = await images.GenerateAsync(new ImageGenerationRequest($"studio photo of {product}")
            {
                AspectRatio = AspectRatio.Parse("16:9"),
                Seed = 42,
                OutputFormat = ImageFormat.Png,
            }, ct);
            foreach (var warning in result.Warnings) { /* e.g. "request.Size 1600x900 was changed to 1792x1024" */ }
            return result.Image.Data.ToArray();
        }
    }

    public static void Routing(IServiceCollection services, IConfiguration configuration)
    {
        services.AddImageGeneration(configuration.GetSection("ImageGeneration"))
                .AddOpenAI()
                .AddPlaceholder()
                .UseFallback("openai/gpt-image-2", "openai/dall-e-3", "placeholder")   // or ImageGeneration:Routing:Routes
                .UseCaching()                                                          // ImageGeneration:Caching
                .UseCostTracking(c => c.MonthlyBudgetUsd = 50);                        // ImageGeneration:Costs
    }

    public static void LoggingAndOpenTelemetry(IServiceCollection services, IConfiguration configuration)
    {
        services.AddLogging().AddMetrics();
        services.AddImageGeneration(configuration.GetSection("ImageGeneration"))
                .AddOpenAI()
                .UseOpenTelemetry()          // first, so cache hits are seen; t => t.EnableSensitiveData = true records prompts
                .UseLogging()
                .UseCaching()
                .UseCostTracking();
        // OpenTelemetry SDK: .WithTracing(t => t.AddSource("UnifiedImageGen")).WithMetrics(m => m.AddMeter("UnifiedImageGen"))
    }

    public static void MicrosoftExtensionsAI(IImageGenerator pipeline, Microsoft.Extensions.AI.IImageGenerator vendorImageGenerator, IServiceCollection services)
    {
        Microsoft.Extensions.AI.IImageGenerator meai = pipeline.AsMicrosoftImageGenerator();   // ours as theirs

        services.AddImageGeneration()
                .AddMicrosoftImageGenerator("vendor", sp => vendorImageGenerator)                // theirs as ours
                .AddPlaceholder()
                .UseFallback("vendor", "placeholder");
        GC.KeepAlive(meai);
    }
}
