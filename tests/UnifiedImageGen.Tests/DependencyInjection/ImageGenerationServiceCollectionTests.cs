using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using UnifiedImageGen.DependencyInjection;
using UnifiedImageGen.Placeholder;
using UnifiedImageGen.Providers;
using UnifiedImageGen.Testing;

namespace UnifiedImageGen.Tests.DependencyInjection;

public class ImageGenerationServiceCollectionTests
{
    private static IConfiguration Config(params (string Key, string Value)[] values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value))).Build();

    [Fact]
    public async Task DefaultPipelineAndKeyedProvider_ResolveFromConfigurationAlone()
    {
        var config = Config(("ImageGeneration:DefaultProvider", "placeholder"), ("ImageGeneration:Providers:placeholder:DefaultWidth", "48"), ("ImageGeneration:Providers:placeholder:DefaultHeight", "32"));
        var services = new ServiceCollection();
        services.AddImageGeneration(config.GetSection("ImageGeneration")).AddPlaceholder();
        using var provider = services.BuildServiceProvider();
        provider.GetRequiredService<IStartupValidator>().Validate();

        var keyed = provider.GetRequiredKeyedService<IImageGenerator>("placeholder");
        var pipeline = provider.GetRequiredService<IImageGenerator>();
        var result = await pipeline.GenerateAsync("a fox");

        Assert.IsType<PlaceholderImageGenerator>(keyed);
        Assert.Equal((48, 32), (result.Image.Width!.Value, result.Image.Height!.Value));
        Assert.Same(keyed, pipeline.GetService<PlaceholderImageGenerator>());
    }

    [Fact]
    public async Task PipelineLayers_WrapTheDefaultProviderInOrder()
    {
        var order = new List<string>();
        var services = new ServiceCollection();
        services.AddImageGeneration()
            .AddPlaceholder(o => (o.DefaultWidth, o.DefaultHeight) = (16, 16))
            .Use(inner => new Recording(inner, "outer", order))
            .Use(inner => new Recording(inner, "inner", order));
        using var provider = services.BuildServiceProvider();
        await provider.GetRequiredService<IImageGenerator>().GenerateAsync("x");
        Assert.Equal(["outer", "inner"], order);
    }

    [Fact]
    public void MissingApiKey_FailsAtStartup_NamingTheConfigurationKey()
    {
        var services = new ServiceCollection();
        services.AddImageGeneration(Config().GetSection("ImageGeneration"))
            .AddProvider<EchoGenerator, EchoOptions>("echo", context => new EchoGenerator(context), static (section, options) => section.Bind(options));
        using var provider = services.BuildServiceProvider();
        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());
        Assert.Contains("ImageGeneration:Providers:echo:ApiKey is required", ex.Message);
    }

    [Fact]
    public void UnknownDefaultProvider_SaysWhichAreRegistered()
    {
        var services = new ServiceCollection();
        services.AddImageGeneration(Config(("ImageGeneration:DefaultProvider", "openai")).GetSection("ImageGeneration")).AddPlaceholder();
        using var provider = services.BuildServiceProvider();
        var ex = Assert.Throws<InvalidOperationException>(() => provider.GetRequiredService<IImageGenerator>());
        Assert.Contains("ImageGeneration:DefaultProvider is 'openai'", ex.Message);
        Assert.Contains("Registered: placeholder", ex.Message);
    }

    [Fact]
    public void DuplicateProviderName_IsRefused()
    {
        var builder = new ServiceCollection().AddImageGeneration().AddPlaceholder();
        Assert.Throws<ArgumentException>(() => builder.AddPlaceholder());
        Assert.Same(builder, builder.Services.AddImageGeneration());
    }

    [Fact]
    public async Task HttpProvider_GetsTypedClientWithUserAgentResilienceAndBoundOptions()
    {
        var server = new ScriptedHandler().ThenStatus(HttpStatusCode.ServiceUnavailable).ThenStatus(HttpStatusCode.OK, "{}");
        var time = new ManualTimeProvider();
        var config = Config(
            ("ImageGeneration:Providers:echo:ApiKey", "echo-key-123456"),
            ("ImageGeneration:Providers:echo:Endpoint", "https://echo.example.com/"),
            ("ImageGeneration:Resilience:UseJitter", "false"),
            ("ImageGeneration:Providers:echo:Resilience:BaseDelay", "00:00:03"));
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(time);
        services.AddImageGeneration(config.GetSection("ImageGeneration"))
            .AddProvider<EchoGenerator, EchoOptions>(
                "echo",
                context => new EchoGenerator(context),
                static (section, options) => section.Bind(options),
                configureHttpClient: http => http.ConfigurePrimaryHttpMessageHandler(() => server));
        using var provider = services.BuildServiceProvider();
        provider.GetRequiredService<IStartupValidator>().Validate();

        var generator = provider.GetRequiredKeyedService<EchoGenerator>("echo");
        Assert.Same(generator, provider.GetRequiredService<IImageGenerator>());
        await time.RunAsync(generator.GenerateAsync(new ImageGenerationRequest("x")));

        Assert.Equal(2, server.Count);
        var request = server.Requests.Last();
        Assert.Equal("https://echo.example.com/generate", request.Uri.ToString());
        Assert.Equal("Bearer echo-key-123456", request.Header("Authorization"));
        Assert.StartsWith("UnifiedImageGen/", request.Header("User-Agent"));
        Assert.Contains(TimeSpan.FromSeconds(3), time.RequestedDelays);
        Assert.Equal("echo", generator.Options.Name);
    }

    private sealed class Recording(IImageGenerator inner, string name, List<string> order) : DelegatingImageGenerator(inner)
    {
        public override Task<ImageGenerationResult> GenerateAsync(ImageGenerationRequest request, CancellationToken cancellationToken = default)
        {
            order.Add(name);
            return base.GenerateAsync(request, cancellationToken);
        }
    }

    public sealed class EchoOptions() : ImageGeneratorOptionsBase(new Uri("https://echo.invalid/"))
    {
        public string? Name { get; set; }
    }

    public sealed class EchoGenerator : IImageGenerator
    {
        private readonly ProviderTransport _transport;

        public EchoGenerator(ProviderContext<EchoOptions> context)
        {
            Options = context.Options;
            Options.Name = context.Name;
            _transport = new ProviderTransport(context.HttpClient, new UnifiedImageGen.Http.ProviderErrorMapper("echo"), new UnifiedImageGen.Http.ImageDownloader(context.DownloadHttpClient), context.TimeProvider);
            Metadata = new ImageGeneratorMetadata("echo", Options.Endpoint, "echo-1", []);
        }

        public EchoOptions Options { get; }

        public ImageGeneratorMetadata Metadata { get; }

        public async Task<ImageGenerationResult> GenerateAsync(ImageGenerationRequest request, CancellationToken cancellationToken = default)
        {
            using var message = new HttpRequestMessage(HttpMethod.Post, new Uri(Options.Endpoint, "generate")) { Content = new StringContent("{}") };
            message.Headers.Authorization = new("Bearer", Options.ApiKey);
            using var response = await _transport.SendAsync(message, "echo-1", cancellationToken);
            return ScriptedImageGenerator.Result("echo", request);
        }

        public object? GetService(Type serviceType, object? serviceKey = null) => serviceType.IsInstanceOfType(this) ? this : null;
    }
}
