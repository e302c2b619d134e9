using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using UnifiedImageGen.AdobeFirefly;
using UnifiedImageGen.BlackForestLabs;
using UnifiedImageGen.ComfyUI;
using UnifiedImageGen.DependencyInjection;
using UnifiedImageGen.Diagnostics;
using UnifiedImageGen.Fal;
using UnifiedImageGen.Google;
using UnifiedImageGen.Ideogram;
using UnifiedImageGen.Leonardo;
using UnifiedImageGen.OpenAI;
using UnifiedImageGen.Placeholder;
using UnifiedImageGen.Replicate;
using UnifiedImageGen.StabilityAI;
using UnifiedImageGen.Testing;

namespace UnifiedImageGen.Security.Tests.Harness;

/// <summary>
/// One provider registered through dependency injection exactly as an application does it (typed client with the
/// User-Agent, resilience and HTTP logging handlers, guarded download client), except that the primary handlers of both
/// clients are a <see cref="FakeProviderServer"/> and the clock is a <see cref="ManualTimeProvider"/>. With
/// <c>guardedDownloads</c> the download client keeps its real guarded handler (set <c>Download.HostResolver</c> so no
/// name reaches the machine's DNS).
/// </summary>
public sealed class ProviderHost : IDisposable
{
    /// <summary>Every provider that talks HTTP.</summary>
    public static readonly string[] Http = ["openai", "stability", "replicate", "fal", "bfl", "google", "ideogram", "leonardo", "firefly", "comfyui"];

    /// <summary>The job providers (IImageJobGenerator).</summary>
    public static readonly string[] JobProviders = ["replicate", "fal", "bfl", "leonardo", "firefly", "comfyui"];

    /// <summary>Providers that answer with result URLs the SDK downloads.</summary>
    public static readonly string[] UrlResults = ["openai", "replicate", "fal", "bfl", "ideogram", "leonardo", "firefly"];

    /// <summary>A recognisable secret per provider; none is ever allowed out of the SDK.</summary>
    public static readonly IReadOnlyDictionary<string, string> Keys = new Dictionary<string, string>
    {
        ["openai"] = "sk-SECRET-openai-7f3a9b2c4d5e6f70",
        ["stability"] = "sk-SECRET-stability-1c2d3e4f5a6b7c8d",
        ["replicate"] = "r8_SECRETreplicate0a1b2c3d4e5f6a7b",
        ["fal"] = "SECRET-falkeyid-5e6f:SECRET-falsecret-9a8b7c6d",
        ["bfl"] = "SECRET-bfl-2b3c4d5e6f7a8b9c",
        ["google"] = "AIzaSECRET-google-3d4e5f6a7b8c9d0e1f2a",
        ["ideogram"] = "SECRET-ideogram-4e5f6a7b8c9d0e1f",
        ["leonardo"] = "SECRET-leonardo-5f6a7b8c9d0e1f2a",
        ["firefly"] = "SECRET-fireflyclient-6a7b8c9d",
        ["comfyui"] = "SECRET-comfyui-7b8c9d0e1f2a3b4c",
    };

    /// <summary>Secrets besides the key: the Firefly client secret and the IMS access token the emulator issues.</summary>
    public static readonly IReadOnlyList<string> ExtraSecrets = ["SECRET-fireflyclientsecret-8d9e0f1a", "eyJ-FIREFLY-ACCESS-TOKEN-9c1d", "SECRET-bfl-webhook-0a1b2c3d"];

    private readonly ServiceProvider _services;

    public ProviderHost(string provider, Action<ImageGenerationBuilder>? pipeline = null, ILoggerProvider? logs = null, Action<ImageGeneratorOptionsBase>? configure = null, bool guardedDownloads = false)
    {
        Name = provider;
        Server = new FakeProviderServer(provider);
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(Time);
        services.AddLogging(b =>
        {
            b.SetMinimumLevel(LogLevel.Trace);
            if (logs is not null)
            {
                b.AddProvider(logs);
            }
        });
        var builder = services.AddImageGeneration();
        void Http(IHttpClientBuilder client) => client.ConfigurePrimaryHttpMessageHandler(() => Server);
        string key = Keys.TryGetValue(provider, out var k) ? k : "";
        switch (provider)
        {
            case "openai":
                builder.AddOpenAI(o => { o.ApiKey = key; configure?.Invoke(o); }, configureHttpClient: Http);
                break;
            case "stability":
                builder.AddStabilityAI(o => { o.ApiKey = key; configure?.Invoke(o); }, configureHttpClient: Http);
                break;
            case "replicate":
                builder.AddReplicate(o => { o.ApiKey = key; Fast(o); configure?.Invoke(o); }, configureHttpClient: Http);
                break;
            case "fal":
                builder.AddFal(o => { o.ApiKey = key; Fast(o); configure?.Invoke(o); }, configureHttpClient: Http);
                break;
            case "bfl":
                builder.AddBlackForestLabs(o => { o.ApiKey = key; o.WebhookSecret = ExtraSecrets[2]; Fast(o); configure?.Invoke(o); }, configureHttpClient: Http);
                break;
            case "google":
                builder.AddGoogle(o => { o.ApiKey = key; configure?.Invoke(o); }, configureHttpClient: Http);
                break;
            case "ideogram":
                builder.AddIdeogram(o => { o.ApiKey = key; configure?.Invoke(o); }, configureHttpClient: Http);
                break;
            case "leonardo":
                builder.AddLeonardo(o => { o.ApiKey = key; Fast(o); configure?.Invoke(o); }, configureHttpClient: Http);
                break;
            case "firefly":
                builder.AddAdobeFirefly(o => { o.ApiKey = key; o.ClientSecret = ExtraSecrets[0]; Fast(o); configure?.Invoke(o); }, configureHttpClient: Http);
                break;
            case "comfyui":
                // Port 9 (discard) refuses at once, so the progress WebSocket gives up quickly and polling is used.
                builder.AddComfyUI(o => { o.ApiKey = key; o.Endpoint = new Uri("http://127.0.0.1:9/"); Fast(o); configure?.Invoke(o); }, configureHttpClient: Http);
                break;
            case "placeholder":
                builder.AddPlaceholder();
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(provider), provider, null);
        }

        if (provider != "placeholder" && !guardedDownloads)
        {
            services.AddHttpClient($"UnifiedImageGen.{provider}.Downloads").ConfigurePrimaryHttpMessageHandler(() => Server);
        }

        // One attempt per call: the tests count requests exactly, and the clock only moves when a test moves it.
        builder.ConfigureResilience(null, r => { r.MaxRetryAttempts = 0; r.EnableCircuitBreaker = false; });
        builder.UseDefaultProvider(provider);
        pipeline?.Invoke(builder);
        _services = services.BuildServiceProvider();
    }

    public string Name { get; }

    public FakeProviderServer Server { get; }

    public ManualTimeProvider Time { get; } = new();

    public string Key => Keys.TryGetValue(Name, out var key) ? key : "";

    /// <summary>The provider itself (keyed service).</summary>
    public IImageGenerator Provider => _services.GetRequiredKeyedService<IImageGenerator>(Name);

    /// <summary>The default pipeline: the provider under the layers the test added.</summary>
    public IImageGenerator Pipeline => _services.GetRequiredService<IImageGenerator>();

    public IImageJobGenerator Jobs => _services.GetRequiredKeyedService<IImageJobGenerator>(Name);

    /// <summary>A request the provider accepts as is.</summary>
    public static ImageGenerationRequest Valid(string provider) => new("a red fox in the snow") { Model = ModelFor(provider) };

    public static string? ModelFor(string provider) => provider switch
    {
        "fal" => "fal-ai/flux/dev",
        "replicate" => "black-forest-labs/flux-schnell",
        _ => null,
    };

    /// <summary>Runs a call on the manual clock (polls and timers fire at once), failing instead of hanging.</summary>
    public Task<T> Run<T>(Task<T> task) => Time.RunAsync(task, TimeSpan.FromMinutes(1));

    public void Dispose() => _services.Dispose();

    private static void Fast(JobImageGeneratorOptionsBase options)
    {
        options.PollingInterval = TimeSpan.FromSeconds(1);
        options.MaxPollingInterval = TimeSpan.FromSeconds(1);
    }
}
