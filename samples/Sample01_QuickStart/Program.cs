// Quick start: generate one image from the prompt on the command line and save it as output.png.
// With no API key set it uses the built-in offline provider, so it runs anywhere.
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using UnifiedImageGen;
using UnifiedImageGen.Placeholder;

string prompt = args.Length > 0 ? string.Join(' ', args) : "a red fox in snow";

var services = new ServiceCollection();
services.AddImageGeneration().AddPlaceholder();
await using var provider = services.BuildServiceProvider();
var generator = provider.GetRequiredService<IImageGenerator>();
Console.WriteLine($"Provider: {generator.Metadata.ProviderName} (offline: no network, no key). Set OPENAI_API_KEY to use OpenAI once UnifiedImageGen.OpenAI is referenced.");

try
{
    var result = await generator.GenerateAsync(new ImageGenerationRequest(prompt) { Size = new ImageSize(1024, 1024) });
    var image = result.Image;
    string path = Path.GetFullPath("output" + image.FileExtension);
    await image.SaveAsync(path);

    Console.WriteLine($"Model:    {result.Model}");
    Console.WriteLine($"Image:    {image.Width}x{image.Height} {image.MediaType}, {image.Data.Length:N0} bytes, seed {image.Seed}");
    Console.WriteLine($"Cost:     ${result.Cost?.Usd.ToString("0.####", CultureInfo.InvariantCulture) ?? "?"} ({result.Cost?.Basis})");
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
