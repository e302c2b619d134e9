// Trim smoke test: registers every provider from configuration-style options, then generates offline with the
// placeholder. Run after a trimmed publish; prints the image it wrote and exits 0.
using Microsoft.Extensions.DependencyInjection;
using UnifiedImageGen;
using UnifiedImageGen.AdobeFirefly;
using UnifiedImageGen.BlackForestLabs;
using UnifiedImageGen.Caching;
using UnifiedImageGen.ComfyUI;
using UnifiedImageGen.Costs;
using UnifiedImageGen.Diagnostics;
using UnifiedImageGen.Fal;
using UnifiedImageGen.Google;
using UnifiedImageGen.Ideogram;
using UnifiedImageGen.Leonardo;
using UnifiedImageGen.OpenAI;
using UnifiedImageGen.Placeholder;
using UnifiedImageGen.Replicate;
using UnifiedImageGen.StabilityAI;

var services = new ServiceCollection();
services.AddImageGeneration()
    .AddPlaceholder()
    .AddOpenAI(o => o.ApiKey = "sk-trim")
    .AddStabilityAI(o => o.ApiKey = "sk-trim")
    .AddReplicate(o => o.ApiKey = "r8_trim")
    .AddFal(o => o.ApiKey = "fal-trim")
    .AddBlackForestLabs(o => o.ApiKey = "bfl-trim")
    .AddGoogle(o => o.ApiKey = "g-trim")
    .AddIdeogram(o => o.ApiKey = "i-trim")
    .AddLeonardo(o => o.ApiKey = "l-trim")
    .AddAdobeFirefly(o => (o.ApiKey, o.ClientSecret) = ("a-trim", "a-secret"))
    .AddComfyUI()
    .UseOpenTelemetry()
    .UseLogging()
    .UseCaching()
    .UseCostTracking();
await using var provider = services.BuildServiceProvider();
foreach (var name in new[] { "openai", "stability", "replicate", "fal", "bfl", "google", "ideogram", "leonardo", "firefly", "comfyui" })
{
    _ = provider.GetKeyedService<IImageGenerator>(name) ?? throw new InvalidOperationException($"provider {name} did not resolve");
}

var result = await provider.GetRequiredService<IImageGenerator>().GenerateAsync(new ImageGenerationRequest("trim smoke") { Seed = 1, Size = new ImageSize(64, 64) });
string path = Path.Combine(Path.GetTempPath(), "unifiedimagegen-trim-smoke.png");
await result.Image.SaveAsync(path);
Console.WriteLine($"trim smoke OK: {result.Provider} {result.Image.Width}x{result.Image.Height} -> {path}");
