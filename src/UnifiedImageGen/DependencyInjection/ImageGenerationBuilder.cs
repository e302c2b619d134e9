using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Polly;
using UnifiedImageGen.Http;
using UnifiedImageGen.Providers;
using UnifiedImageGen.Resilience;

namespace UnifiedImageGen.DependencyInjection;

/// <summary>
/// Registers providers and pipeline layers. Each provider becomes a keyed <see cref="IImageGenerator"/> (key: its
/// name) over its own typed <see cref="HttpClient"/>; the unkeyed <see cref="IImageGenerator"/> is the default provider
/// wrapped in the layers added with <see cref="Use(Func{IImageGenerator, IServiceProvider, IImageGenerator})"/>.
/// </summary>
public sealed class ImageGenerationBuilder
{
    private readonly List<string> _providers = [];
    private readonly List<Func<IImageGenerator, IServiceProvider, IImageGenerator>> _layers = [];
    private Func<IServiceProvider, IImageGenerator>? _root;

    internal ImageGenerationBuilder(IServiceCollection services, IConfiguration? configuration)
    {
        Services = services;
        Configuration = configuration;
        ConfigurationPath = configuration is IConfigurationSection section ? section.Path : "ImageGeneration";
    }

    /// <summary>The service collection.</summary>
    public IServiceCollection Services { get; }

    /// <summary>The <c>ImageGeneration</c> configuration section, if one was given.</summary>
    public IConfiguration? Configuration { get; }

    /// <summary>The configuration path of <see cref="Configuration"/>, used in validation messages.</summary>
    public string ConfigurationPath { get; }

    /// <summary>The names of the providers registered so far, in order.</summary>
    public IReadOnlyList<string> ProviderNames => _providers;

    /// <summary>The configuration section of one provider (<c>Providers:{name}</c>), or null without configuration.</summary>
    /// <param name="name">The provider name.</param>
    public IConfiguration? GetProviderConfiguration(string name) => Configuration?.GetSection("Providers:" + name);

    /// <summary>
    /// Registers an HTTP provider: named options bound from <c>Providers:{name}</c> and validated at start-up, a typed
    /// client with the User-Agent and resilience handlers, a guarded download client, and a keyed singleton generator.
    /// Provider packages call this from their <c>Add{Provider}()</c> method.
    /// </summary>
    /// <typeparam name="TGenerator">The generator type.</typeparam>
    /// <typeparam name="TOptions">The options type.</typeparam>
    /// <param name="name">The provider name and service key, such as <c>"openai"</c>.</param>
    /// <param name="factory">Creates the generator.</param>
    /// <param name="bindConfiguration">Binds a configuration section onto the options (call <c>section.Bind(options)</c> so the binder source generator sees the concrete type).</param>
    /// <param name="configure">Sets options in code, after configuration.</param>
    /// <param name="configureHttpClient">Adds handlers or settings to the provider's typed client.</param>
    /// <returns>This builder.</returns>
    /// <exception cref="ArgumentException"><paramref name="name"/> is empty or already registered.</exception>
    public ImageGenerationBuilder AddProvider<TGenerator, [DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicParameterlessConstructor)] TOptions>(
        string name,
        Func<ProviderContext<TOptions>, TGenerator> factory,
        Action<IConfiguration, TOptions>? bindConfiguration = null,
        Action<TOptions>? configure = null,
        Action<IHttpClientBuilder>? configureHttpClient = null)
        where TGenerator : class, IImageGenerator
        where TOptions : ImageGeneratorOptionsBase
    {
        ArgumentNullException.ThrowIfNull(factory);
        Register(name);
        var optionsBuilder = Services.AddOptions<TOptions>(name);
        if (bindConfiguration is not null && GetProviderConfiguration(name) is { } section)
        {
            optionsBuilder.Configure(options => bindConfiguration(section, options));
        }

        if (configure is not null)
        {
            optionsBuilder.Configure(configure);
        }

        string path = ConfigurationPath + ":Providers:" + name;
        optionsBuilder.ValidateOnStart();
        Services.AddSingleton<IValidateOptions<TOptions>>(new OptionsValidator<TOptions>(name, o => o.Validate(path)));

        AddResilience(name);
        string clientName = "UnifiedImageGen." + name;
        var http = Services.AddHttpClient(clientName)
            .RemoveAllLoggers() // HttpLoggingHandler below logs each exchange without query strings or exception texts (which can hold keys)
            .ConfigureHttpClient(client => client.Timeout = Timeout.InfiniteTimeSpan)
            .ConfigurePrimaryHttpMessageHandler(ImageGenerationHttp.CreatePrimaryHandler)
            .SetHandlerLifetime(Timeout.InfiniteTimeSpan) // the primary handler recycles connections itself
            .AddHttpMessageHandler(() => new UserAgentHandler(name))
            .AddHttpMessageHandler(sp => new ImageGenerationResilienceHandler(name, sp.GetRequiredKeyedService<ResiliencePipeline<HttpResponseMessage>>(name)))
            .AddHttpMessageHandler(sp => new HttpLoggingHandler(name, (sp.GetService<ILoggerFactory>() ?? NullLoggerFactory.Instance).CreateLogger("UnifiedImageGen.Providers." + name), sp.GetService<TimeProvider>() ?? TimeProvider.System));
        configureHttpClient?.Invoke(http);

        string downloadClientName = clientName + ".Downloads";
        Services.AddHttpClient(downloadClientName)
            .RemoveAllLoggers()
            .ConfigureHttpClient(client => client.Timeout = Timeout.InfiniteTimeSpan)
            .ConfigurePrimaryHttpMessageHandler(sp => ImageDownloader.CreateGuardedHandler(sp.GetRequiredService<IOptionsMonitor<TOptions>>().Get(name).Download, name))
            .SetHandlerLifetime(Timeout.InfiniteTimeSpan);

        Services.AddKeyedSingleton<TGenerator>(name, (sp, _) =>
        {
            var factories = sp.GetRequiredService<IHttpClientFactory>();
            var context = new ProviderContext<TOptions>(
                name,
                sp,
                factories.CreateClient(clientName),
                factories.CreateClient(downloadClientName),
                sp.GetRequiredService<IOptionsMonitor<TOptions>>().Get(name),
                sp.GetService<TimeProvider>() ?? TimeProvider.System,
                sp.GetService<ILoggerFactory>() ?? NullLoggerFactory.Instance);
            return factory(context);
        });
        Services.AddKeyedSingleton<IImageGenerator>(name, (sp, key) => sp.GetRequiredKeyedService<TGenerator>(key));
        return this;
    }

    /// <summary>Registers a generator that needs no HTTP client (the offline provider, a custom or in-process model).</summary>
    /// <param name="name">The provider name and service key.</param>
    /// <param name="factory">Creates the generator.</param>
    /// <returns>This builder.</returns>
    /// <exception cref="ArgumentException"><paramref name="name"/> is empty or already registered.</exception>
    public ImageGenerationBuilder AddProvider(string name, Func<IServiceProvider, IImageGenerator> factory)
    {
        ArgumentNullException.ThrowIfNull(factory);
        Register(name);
        Services.AddKeyedSingleton<IImageGenerator>(name, (sp, _) => factory(sp));
        return this;
    }

    /// <summary>Makes <paramref name="name"/> the provider the default <see cref="IImageGenerator"/> uses (overrides <c>DefaultProvider</c> in configuration).</summary>
    /// <param name="name">A registered provider name.</param>
    /// <returns>This builder.</returns>
    public ImageGenerationBuilder UseDefaultProvider(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        Services.Configure<ImageGenerationOptions>(o => o.DefaultProvider = name);
        return this;
    }

    /// <summary>
    /// Replaces the innermost generator of the default pipeline (normally the default provider), for example with a
    /// router over several providers.
    /// </summary>
    /// <param name="root">Creates the innermost generator.</param>
    /// <returns>This builder.</returns>
    public ImageGenerationBuilder UseRoot(Func<IServiceProvider, IImageGenerator> root)
    {
        ArgumentNullException.ThrowIfNull(root);
        _root = root;
        return this;
    }

    /// <summary>Adds a layer to the default pipeline. The first layer added is the outermost.</summary>
    /// <param name="layer">Wraps the generator below it.</param>
    /// <returns>This builder.</returns>
    public ImageGenerationBuilder Use(Func<IImageGenerator, IServiceProvider, IImageGenerator> layer)
    {
        ArgumentNullException.ThrowIfNull(layer);
        _layers.Add(layer);
        return this;
    }

    /// <summary>Adds a layer to the default pipeline. The first layer added is the outermost.</summary>
    /// <param name="layer">Wraps the generator below it.</param>
    /// <returns>This builder.</returns>
    public ImageGenerationBuilder Use(Func<IImageGenerator, IImageGenerator> layer)
    {
        ArgumentNullException.ThrowIfNull(layer);
        return Use((inner, _) => layer(inner));
    }

    /// <summary>Changes the resilience settings of one provider (or of every provider when <paramref name="providerName"/> is null), after configuration.</summary>
    /// <param name="providerName">A provider name, or null for all.</param>
    /// <param name="configure">Changes the settings.</param>
    /// <returns>This builder.</returns>
    public ImageGenerationBuilder ConfigureResilience(string? providerName, Action<ImageGenerationResilienceOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        if (providerName is null)
        {
            Services.ConfigureAll(configure);
        }
        else
        {
            Services.Configure(providerName, configure);
        }

        return this;
    }

    /// <summary>
    /// Registers options of a pipeline feature bound from a section of <see cref="Configuration"/> (such as
    /// <c>"Caching"</c>), then <paramref name="configure"/>, validated at start-up with messages naming the section.
    /// </summary>
    /// <typeparam name="TOptions">The options type.</typeparam>
    /// <param name="sectionName">The section under <c>ImageGeneration</c>.</param>
    /// <param name="bind">Binds the section onto the options (call <c>section.Bind(options)</c>).</param>
    /// <param name="configure">Sets options in code, after configuration.</param>
    /// <param name="validate">Returns what is wrong, given the configuration path.</param>
    /// <returns>This builder.</returns>
    public ImageGenerationBuilder AddFeatureOptions<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicParameterlessConstructor)] TOptions>(
        string sectionName,
        Action<IConfiguration, TOptions> bind,
        Action<TOptions>? configure,
        Func<TOptions, string, IEnumerable<string>> validate)
        where TOptions : class
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(sectionName);
        ArgumentNullException.ThrowIfNull(bind);
        ArgumentNullException.ThrowIfNull(validate);
        var options = Services.AddOptions<TOptions>();
        if (Configuration is not null)
        {
            var section = Configuration.GetSection(sectionName);
            options.Configure(o => bind(section, o));
        }

        if (configure is not null)
        {
            options.Configure(configure);
        }

        string path = ConfigurationPath + ":" + sectionName;
        Services.AddSingleton<IValidateOptions<TOptions>>(new OptionsValidator<TOptions>(Options.DefaultName, o => validate(o, path)));
        options.ValidateOnStart();
        return this;
    }

    internal IImageGenerator BuildPipeline(IServiceProvider services)
    {
        var root = _root ?? (sp => sp.GetRequiredKeyedService<IImageGenerator>(ResolveDefaultProvider(sp)));
        var builder = new ImageGeneratorBuilder(root);
        foreach (var layer in _layers)
        {
            builder.Use(layer);
        }

        return builder.Build(services);
    }

    private string ResolveDefaultProvider(IServiceProvider services)
    {
        string? configured = services.GetRequiredService<IOptions<ImageGenerationOptions>>().Value.DefaultProvider;
        if (configured is not null)
        {
            return _providers.Contains(configured, StringComparer.OrdinalIgnoreCase)
                ? _providers.First(p => string.Equals(p, configured, StringComparison.OrdinalIgnoreCase))
                : throw new InvalidOperationException($"{ConfigurationPath}:DefaultProvider is '{configured}', but no provider of that name is registered. Registered: {(_providers.Count == 0 ? "none" : string.Join(", ", _providers))}.");
        }

        return _providers.Count > 0
            ? _providers[0]
            : throw new InvalidOperationException("No image generation provider is registered: call AddOpenAI(), AddPlaceholder() or another Add{Provider}() on the builder returned by AddImageGeneration().");
    }

    private void Register(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (_providers.Contains(name, StringComparer.OrdinalIgnoreCase))
        {
            throw new ArgumentException($"A provider named '{name}' is already registered; give the second one another name.", nameof(name));
        }

        _providers.Add(name);
    }

    private void AddResilience(string name)
    {
        var resilience = Services.AddOptions<ImageGenerationResilienceOptions>(name);
        if (Configuration is not null)
        {
            var shared = Configuration.GetSection("Resilience");
            var own = Configuration.GetSection("Providers:" + name + ":Resilience");
            resilience.Configure(options =>
            {
                shared.Bind(options);
                own.Bind(options);
            });
        }

        resilience.ValidateOnStart();
        Services.AddSingleton<IValidateOptions<ImageGenerationResilienceOptions>>(new OptionsValidator<ImageGenerationResilienceOptions>(name, o => o.Validate()));
        Services.TryAddKeyedSingleton<ResiliencePipeline<HttpResponseMessage>>(name, (sp, _) =>
            ImageGenerationResilienceHandler.CreatePipeline(
                name,
                sp.GetRequiredService<IOptionsMonitor<ImageGenerationResilienceOptions>>().Get(name),
                sp.GetService<TimeProvider>(),
                sp.GetService<ILoggerFactory>()?.CreateLogger("UnifiedImageGen.Resilience")));
    }

    private sealed class OptionsValidator<T>(string name, Func<T, IEnumerable<string>> validate) : IValidateOptions<T>
        where T : class
    {
        public ValidateOptionsResult Validate(string? optionsName, T options)
        {
            if (!string.Equals(optionsName, name, StringComparison.Ordinal))
            {
                return ValidateOptionsResult.Skip;
            }

            var failures = validate(options).ToArray();
            return failures.Length == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
        }
    }
}
