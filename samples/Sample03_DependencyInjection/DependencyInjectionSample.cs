using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using UnifiedImageGen;
using UnifiedImageGen.Caching;
using UnifiedImageGen.Costs;
using UnifiedImageGen.Diagnostics;
using UnifiedImageGen.Fal;
using UnifiedImageGen.OpenAI;
using UnifiedImageGen.Placeholder;
using UnifiedImageGen.Routing;

namespace Sample03;

/// <summary>The sample's logic, callable from tests: <c>RunAsync(["--offline"], writer)</c>.</summary>
internal static class DependencyInjectionSample
{
    /// <summary>Builds the host, generates two images, prints what happened. Returns the process exit code.</summary>
    /// <param name="args"><c>--output &lt;folder&gt;</c> (default <c>./output</c>); <c>--offline</c> ignores any API keys.</param>
    /// <param name="output">Where to print.</param>
    public static async Task<int> RunAsync(string[] args, TextWriter output)
    {
        bool offline = args.Contains("--offline");
        string outputFolder = Path.GetFullPath(OptionValue(args, "--output") ?? "output");

        // 1. The host: appsettings.json (next to the binary), environment variables, user secrets in Development.
        //    The sample's own flags are not passed on as configuration.
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { ContentRootPath = AppContext.BaseDirectory });

        // 2. Keys: the SDK binds ImageGeneration:Providers:{name}:ApiKey; the sample also accepts the usual variable names.
        string? openAIKey = offline ? null : builder.Configuration["ImageGeneration:Providers:openai:ApiKey"] ?? builder.Configuration["OPENAI_API_KEY"];
        string? falKey = offline ? null : builder.Configuration["ImageGeneration:Providers:fal:ApiKey"] ?? builder.Configuration["FAL_KEY"];

        // 3. Image generation from the ImageGeneration section. Each Add{Provider}() registers a keyed IImageGenerator;
        //    a provider is registered only when it has a key, because options are validated at start-up.
        var images = builder.Services.AddImageGeneration(builder.Configuration.GetSection("ImageGeneration"));
        if (!string.IsNullOrWhiteSpace(openAIKey))
        {
            images.AddOpenAI(o => o.ApiKey = openAIKey);
        }

        if (!string.IsNullOrWhiteSpace(falKey))
        {
            images.AddFal(o => o.ApiKey = falKey);
        }

        images.AddPlaceholder(); // always there: the last route, and the offline default

        // 4. The default IImageGenerator, outermost first: OpenTelemetry traces and metrics ("UnifiedImageGen"), logs
        //    (Debug; the prompt only at Trace), caching (a hit costs nothing), cost tracking with the budget from
        //    ImageGeneration:Costs, and the routes from ImageGeneration:Routing (minus providers without a key).
        images
            .UseOpenTelemetry()
            .UseLogging()
            .UseFallback(routing => routing.Routes.RemoveAll(route => !IsRegistered(images.ProviderNames, route)))
            .UseCaching()
            .UseCostTracking();

        using var host = builder.Build();
        await host.StartAsync(); // validates every provider's options now, with messages naming the missing setting

        output.WriteLine(images.ProviderNames.Count == 1
            ? "Providers: placeholder only (offline: no OPENAI_API_KEY or FAL_KEY set, or --offline)."
            : $"Providers: {string.Join(", ", images.ProviderNames)}.");
        Directory.CreateDirectory(outputFolder);

        try
        {
            // 5. The routed pipeline: fallback + caching + cost tracking. A fixed seed makes the request cacheable.
            var pipeline = host.Services.GetRequiredService<IImageGenerator>();
            var request = new ImageGenerationRequest("a lighthouse on a cliff at dusk, oil painting") { Seed = 42, User = "sample-user" };
            var routed = await pipeline.GenerateAsync(request);
            await Report(output, "routed pipeline", routed, Path.Combine(outputFolder, "routed" + routed.Image.FileExtension));

            var again = await pipeline.GenerateAsync(request);
            await Report(output, "same request again", again, path: null);

            // 6. One provider by its key, bypassing the pipeline (no fallback, no cache, no cost tracking).
            //    In a constructor: MyService([FromKeyedServices("openai")] IImageGenerator openAI).
            string key = images.ProviderNames.Contains(OpenAIImageGenerator.ProviderName) ? OpenAIImageGenerator.ProviderName : PlaceholderImageGenerator.ProviderName;
            var keyed = host.Services.GetRequiredKeyedService<IImageGenerator>(key);
            var direct = await keyed.GenerateAsync(new ImageGenerationRequest("a paper boat on a pond") { Size = new ImageSize(1024, 1024) });
            await Report(output, $"keyed provider \"{key}\"", direct, Path.Combine(outputFolder, "keyed-" + key + direct.Image.FileExtension));

            // 7. What the ledger recorded (only calls through the pipeline are tracked).
            var ledger = host.Services.GetRequiredService<ICostLedger>();
            output.WriteLine("== cost ledger (this month)");
            foreach (var total in await ledger.GetTotalsAsync(new CostQuery(), CostGrouping.Provider | CostGrouping.Model))
            {
                output.WriteLine($"   {total.Provider}/{total.Model}: {total.Calls} call(s), {total.Images} image(s), estimated {Usd(total.EstimatedUsd)}, actual {Usd(total.ActualUsd)}");
            }
        }
        catch (ImageGenerationException ex)
        {
            // The message is safe to show: no keys, no image bytes. Attempts say which routes were tried.
            output.WriteLine($"Generation failed ({ex.Kind}): {ex.Message}");
            return 1;
        }
        finally
        {
            await host.StopAsync();
        }

        return 0;
    }

    private static async Task Report(TextWriter output, string title, ImageGenerationResult result, string? path)
    {
        output.WriteLine($"== {title}");
        foreach (var attempt in result.Attempts)
        {
            output.WriteLine($"   route {attempt.Provider}/{attempt.Model}: {attempt.Outcome}{(attempt.ErrorKind is { } kind ? $" ({kind})" : "")}{(attempt.Reason is { } reason ? $" - {reason}" : "")}");
        }

        var image = result.Image;
        output.WriteLine($"   image: {image.Width}x{image.Height} {image.MediaType} from {result.Provider}/{result.Model}, from cache: {result.FromCache}");
        output.WriteLine($"   cost:  {Usd(result.Cost?.Usd ?? 0m)} ({result.Cost?.Basis ?? "no price known"})");
        if (path is not null)
        {
            await image.SaveAsync(path);
            output.WriteLine($"   saved: {path}");
        }
    }

    private static bool IsRegistered(IReadOnlyList<string> providers, string route) =>
        providers.Contains(ImageRoute.Parse(route).Provider, StringComparer.OrdinalIgnoreCase);

    private static string? OptionValue(string[] args, string name)
    {
        int index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
    }

    private static string Usd(decimal value) => "$" + value.ToString("0.0000", CultureInfo.InvariantCulture);
}
