using UnifiedImageGen.Cli.Configuration;
using UnifiedImageGen.Cli.Hosting;
using UnifiedImageGen.Cli.Output;
using UnifiedImageGen.Cli.Progress;

namespace UnifiedImageGen.Cli.Common;

/// <summary>What <c>generate</c>, <c>edit</c> and <c>upscale</c> share: set up the provider, run with progress, save, report.</summary>
internal static class GenerationRunner
{
    public static async Task<ExitCode> RunAsync(CliContext context, CliSettings settings, string? provider, string? outPath, ImageGenerationRequest request, string baseName, CancellationToken cancellationToken)
    {
        var console = ConsoleFactory.For(context);
        var display = ProgressDisplay.Create(context, settings.Plain, console);
        var host = ProviderHost.Create(context, settings, provider, display);
        await using var hostLifetime = host.ConfigureAwait(false);
        if (host.IsOfflineFallback)
        {
            await context.Error.WriteLineAsync(OfflineNotice).ConfigureAwait(false);
        }

        string title = $"{Verb(request.Operation)} {request.Count} image(s) with {host.ProviderName}";
        var result = await display.RunAsync(title, () => host.Pipeline.GenerateAsync(request, cancellationToken)).ConfigureAwait(false);
        var saved = await ImageWriter.SaveAsync(result.Images, outPath, context.WorkingDirectory, baseName, context.Error, cancellationToken).ConfigureAwait(false);
        return ResultReporter.Report(result, saved, settings.Plain, console, context.Out, context.Error);
    }

    /// <summary>What the tool says on stderr when it falls back to the offline provider.</summary>
    public static string OfflineNotice =>
        "note: no provider is configured, so the offline placeholder provider is used (no network; the images are placeholders). "
        + $"Set one of {string.Join(", ", ProviderCatalog.All.SelectMany(p => p.Environment).Select(e => e.Variable))} or run 'imagegen providers'.";

    private static string Verb(ImageOperation operation) => operation switch
    {
        ImageOperation.Upscale => "Upscaling",
        ImageOperation.Generate => "Generating",
        _ => "Editing",
    };
}
