using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using UnifiedImageGen.Cli.Configuration;

namespace UnifiedImageGen.Cli.Hosting;

/// <summary>One provider as <c>imagegen providers</c> shows it.</summary>
/// <param name="Entry">The catalog entry.</param>
/// <param name="Configured">Whether its credentials (or server address) are set.</param>
/// <param name="Metadata">Its models, from the provider package itself; null when its settings are invalid.</param>
/// <param name="QueuesJobs">Whether it runs queued jobs (<c>imagegen jobs</c> works with it).</param>
/// <param name="Problem">Why its settings are invalid, if they are.</param>
internal sealed record ProviderDescription(ProviderEntry Entry, bool Configured, ImageGeneratorMetadata? Metadata, bool QueuesJobs, string? Problem);

/// <summary>
/// Reads every provider's metadata by registering it exactly as a run would, with a stand-in for missing credentials
/// and an HTTP handler that refuses to send: listing providers never touches the network.
/// </summary>
internal static class ProviderDirectory
{
    public static IReadOnlyList<ProviderDescription> Describe(CliSettings settings) =>
        ProviderCatalog.All.Select(entry => Describe(entry, settings)).ToArray();

    private static ProviderDescription Describe(ProviderEntry entry, CliSettings settings)
    {
        var services = new ServiceCollection();
        var builder = services.AddImageGeneration(settings.Section);
        entry.Register(builder, true, http => http.ConfigurePrimaryHttpMessageHandler(() => new OfflineHandler()));
        using var provider = services.BuildServiceProvider();
        bool configured = entry.IsConfigured(settings.Providers);
        try
        {
            var generator = provider.GetRequiredKeyedService<IImageGenerator>(entry.Name);
            bool jobs = provider.GetKeyedService<IImageJobGenerator>(entry.Name) is not null || generator.GetService<IImageJobGenerator>() is not null;
            return new ProviderDescription(entry, configured, generator.Metadata, jobs, null);
        }
        catch (Exception ex) when (ex is OptionsValidationException or ArgumentException or IOException)
        {
            return new ProviderDescription(entry, configured, null, false, ex.Message);
        }
    }

    private sealed class OfflineHandler : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("Listing providers makes no network calls.");
    }
}
