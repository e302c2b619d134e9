using Microsoft.Extensions.DependencyInjection;
using UnifiedImageGen.Cli.Common;
using UnifiedImageGen.Cli.Configuration;
using UnifiedImageGen.Cli.Costs;
using UnifiedImageGen.Cli.Progress;
using UnifiedImageGen.Costs;
using UnifiedImageGen.Placeholder;

namespace UnifiedImageGen.Cli.Hosting;

/// <summary>
/// The SDK set up for one run: the chosen provider registered through its <c>Add{Provider}()</c> with the run's
/// configuration, and the default pipeline wrapped in cost tracking over the JSON ledger (budgets from
/// <c>ImageGeneration:Costs</c>) and, innermost, the layer that reports job progress.
/// </summary>
internal sealed class ProviderHost : IAsyncDisposable
{
    private readonly ServiceProvider _services;

    private ProviderHost(ServiceProvider services, string providerName, bool isOfflineFallback)
    {
        _services = services;
        ProviderName = providerName;
        IsOfflineFallback = isOfflineFallback;
    }

    /// <summary>The provider in use.</summary>
    public string ProviderName { get; }

    /// <summary>Whether no provider was configured, so the offline placeholder stands in.</summary>
    public bool IsOfflineFallback { get; }

    /// <summary>The pipeline: cost tracking over the provider.</summary>
    public IImageGenerator Pipeline => _services.GetRequiredService<IImageGenerator>();

    /// <summary>The provider's job interface, or null when it does not queue work.</summary>
    public IImageJobGenerator? Jobs =>
        _services.GetKeyedService<IImageJobGenerator>(ProviderName)
        ?? _services.GetRequiredKeyedService<IImageGenerator>(ProviderName).GetService<IImageJobGenerator>();

    /// <summary>Sets up the provider named <paramref name="requested"/>, or the configured default, or the offline placeholder.</summary>
    /// <param name="context">The run's context.</param>
    /// <param name="settings">The run's configuration.</param>
    /// <param name="requested">The <c>--provider</c> value, if given.</param>
    /// <param name="progress">Where job progress goes, when the command shows it.</param>
    /// <exception cref="CliUsageException">The provider is unknown.</exception>
    /// <exception cref="CliAuthenticationException">The provider's credentials are not set.</exception>
    public static ProviderHost Create(CliContext context, CliSettings settings, string? requested, IJobProgressSink? progress = null)
    {
        var services = new ServiceCollection();
        services.AddSingleton(context.TimeProvider);
        services.AddSingleton<ICostLedger>(new JsonFileCostLedger(settings.LedgerPath, context.TimeProvider));
        var builder = services.AddImageGeneration(settings.Section);

        string name;
        bool offline = false;
        if (context.Generator is { } injected)
        {
            name = injected.Metadata.ProviderName;
            if (requested is not null && !string.Equals(requested, name, StringComparison.OrdinalIgnoreCase))
            {
                throw new CliUsageException("--provider", $"'{requested}' is not available here; the provider in use is '{name}'.");
            }

            builder.AddProvider(name, _ => injected);
        }
        else
        {
            (var entry, offline) = Choose(settings, requested);
            name = entry.Name;
            Action<IHttpClientBuilder>? http = context.HttpHandler is { } handler
                ? client => client.ConfigurePrimaryHttpMessageHandler(() => handler)
                : null;
            entry.Register(builder, false, http);
        }

        builder.UseDefaultProvider(name).UseCostTracking();
        if (progress is not null)
        {
            builder.Use(inner => new JobProgressImageGenerator(inner, progress));
        }

        return new ProviderHost(services.BuildServiceProvider(), name, offline);
    }

    /// <inheritdoc/>
    public ValueTask DisposeAsync() => _services.DisposeAsync();

    private static (ProviderEntry Entry, bool Offline) Choose(CliSettings settings, string? requested)
    {
        string? wanted = requested ?? settings.Section["DefaultProvider"];
        if (wanted is not null)
        {
            var entry = ProviderCatalog.Find(wanted)
                ?? throw new CliUsageException(requested is null ? "ImageGeneration:DefaultProvider" : "--provider", $"unknown provider '{wanted}'. Known providers: {ProviderCatalog.Names}.");
            if (!entry.HasRequiredSettings(settings.Providers))
            {
                throw new CliAuthenticationException($"No credentials for {entry.Name}: {entry.SetupHint()}.");
            }

            return (entry, false);
        }

        var configured = ProviderCatalog.All.FirstOrDefault(p => p.IsConfigured(settings.Providers));
        return configured is not null ? (configured, false) : (ProviderCatalog.Find(PlaceholderImageGenerator.ProviderName)!, true);
    }
}
