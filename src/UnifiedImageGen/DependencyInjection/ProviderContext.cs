using Microsoft.Extensions.Logging;
using UnifiedImageGen.Http;

namespace UnifiedImageGen.DependencyInjection;

/// <summary>What dependency injection hands a provider factory registered with <see cref="ImageGenerationBuilder.AddProvider{TGenerator, TOptions}"/>.</summary>
/// <typeparam name="TOptions">The provider's options type.</typeparam>
public sealed class ProviderContext<TOptions>
    where TOptions : class
{
    internal ProviderContext(string name, IServiceProvider services, HttpClient httpClient, HttpClient downloadClient, TOptions options, TimeProvider timeProvider, ILoggerFactory loggerFactory)
    {
        Name = name;
        Services = services;
        HttpClient = httpClient;
        DownloadHttpClient = downloadClient;
        Options = options;
        TimeProvider = timeProvider;
        LoggerFactory = loggerFactory;
    }

    /// <summary>The provider's registration name (its service key).</summary>
    public string Name { get; }

    /// <summary>The application's services.</summary>
    public IServiceProvider Services { get; }

    /// <summary>The provider's API client: User-Agent, resilience, pooled connections, no client timeout.</summary>
    public HttpClient HttpClient { get; }

    /// <summary>The client for result URLs: connections to private addresses refused, redirects left to <see cref="ImageDownloader"/>.</summary>
    public HttpClient DownloadHttpClient { get; }

    /// <summary>The provider's options, bound and validated.</summary>
    public TOptions Options { get; }

    /// <summary>The clock for elapsed time, polling and backoff.</summary>
    public TimeProvider TimeProvider { get; }

    /// <summary>The logger factory.</summary>
    public ILoggerFactory LoggerFactory { get; }
}
