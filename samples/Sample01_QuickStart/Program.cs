// Quick start: generate one image from the prompt on the command line and save it as output.png (or .jpg/.webp).
// With OPENAI_API_KEY set it uses OpenAI; without it, the built-in offline provider, so it runs anywhere.
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using UnifiedImageGen;
using UnifiedImageGen.OpenAI;
using UnifiedImageGen.Placeholder;

string prompt = args.Length > 0 ? string.Join(' ', args) : "a red fox in snow";
string? openAIKey = Environment.GetEnvironmentVariable("OPENAI_API_KEY");

var services = new ServiceCollection();
var images = services.AddImageGeneration();
if (string.IsNullOrWhiteSpace(openAIKey))
{
    images.AddPlaceholder();
}
else
{
    images.AddOpenAI(o => o.ApiKey = openAIKey);
}

await using var provider = services.BuildServiceProvider();
var generator = provider.GetRequiredService<IImageGenerator>();
Console.WriteLine(generator.Metadata.ProviderName == PlaceholderImageGenerator.ProviderName
    ? "Provider: placeholder (offline: no key, no network). Set OPENAI_API_KEY to use OpenAI."
    : $"Provider: {generator.Metadata.ProviderName} ({generator.Metadata.DefaultModel})");

try
{
    var result = await generator.GenerateAsync(new ImageGenerationRequest(prompt) { Size = new ImageSize(1024, 1024) });
    var image = result.Image;
    string path = Path.GetFullPath("output" + image.FileExtension);
    await image.SaveAsync(path);

    Console.WriteLine($"Model:    {result.Model}");
    Console.WriteLine($"Image:    {image.Width}x{image.Height} {image.MediaType}, {image.Data.Length:N0} bytes" + (image.Seed is { } seed ? $", seed {seed}" : ""));
    Console.WriteLine($"Cost:     ${result.Cost?.Usd.ToString("0.####", CultureInfo.InvariantCulture) ?? "?"} ({result.Cost?.Basis ?? "no price known"})");
    Console.WriteLine($"Elapsed:  {result.Elapsed.TotalMilliseconds:0} ms");
    foreach (var warning in result.Warnings)
    {
        Console.WriteLine($"Warning:  {warning.Message}");
    }

    Console.WriteLine($"Saved:    {path}");
    return 0;
}
catch (ImageGenerationException ex)
{
    Console.Error.WriteLine($"Generation failed ({ex.Kind}): {ex.Message}");
    return 1;
}
