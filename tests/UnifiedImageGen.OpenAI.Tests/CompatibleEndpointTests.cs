using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using UnifiedImageGen.Testing;
using static UnifiedImageGen.OpenAI.Tests.Recordings;

namespace UnifiedImageGen.OpenAI.Tests;

/// <summary>
/// OpenAI-compatible hosts. Sources: Azure OpenAI REST reference (learn.microsoft.com/azure/ai-services/openai/reference,
/// "Image generation": <c>POST {endpoint}/openai/deployments/{deployment-id}/images/generations?api-version=</c> with an
/// <c>api-key</c> header); xAI PROVIDERS.md 8.3 (docs.x.ai image generations: the common fields only, temporary URLs,
/// <c>revised_prompt</c>); Together PROVIDERS.md 8.4 (its own <c>response_format</c> value <c>base64</c>).
/// </summary>
public class CompatibleEndpointTests
{
    private static (OpenAIImageGenerator, ScriptedHandler) Create(OpenAIImageGeneratorOptions options)
    {
        var server = new ScriptedHandler();
        return (Over(server, options), server);
    }

    [Fact]
    public async Task AzureOpenAI_UsesDeploymentPathApiVersionAndApiKeyHeader()
    {
        var (generator, server) = Create(OpenAIImageGeneratorOptions.ForAzure(new Uri("https://contoso.openai.azure.com/"), "images-prod", "azure-key-0123456789"));
        server.Then(() => Json("gpt-image-1.generations.json"));
        await generator.GenerateAsync("a fox");
        var sent = server.Requests.Single();
        Assert.Equal("https://contoso.openai.azure.com/openai/deployments/images-prod/images/generations?api-version=2025-04-01-preview", sent.Uri.ToString());
        Assert.Equal("azure-key-0123456789", sent.Header("api-key"));
        Assert.Null(sent.Header("Authorization"));
        AssertJson("""{"prompt":"a fox","model":"gpt-image-2","n":1}""", sent);
    }

    [Fact]
    public async Task XAI_GetsOnlyTheCommonFields_AndItsUrlIsDownloaded()
    {
        var (generator, server) = Create(OpenAIImageGeneratorOptions.ForCompatibleHost(new Uri("https://api.x.ai/v1"), "xai-key-0123456789", "grok-2-image"));
        server.ThenStatus(System.Net.HttpStatusCode.OK, """{"data":[{"url":"https://imgen.x.ai/xai-imgen/xai-tmp-imgen-1.jpeg","revised_prompt":"A red fox."}]}""")
            .Then(() => ImageFile(Png));
        var result = await generator.GenerateAsync(new ImageGenerationRequest("a fox") { Count = 2, OutputFormat = ImageFormat.Jpeg });
        var sent = server.Requests.First();
        Assert.Equal("https://api.x.ai/v1/images/generations", sent.Uri.ToString());
        Assert.Equal("Bearer xai-key-0123456789", sent.Header("Authorization"));
        AssertJson("""{"prompt":"a fox","model":"grok-2-image","n":2}""", sent);
        Assert.Equal("A red fox.", result.Image.RevisedPrompt);
        Assert.Equal("OutputFormat", Assert.Single(result.Warnings).Setting);
    }

    [Fact]
    public async Task Together_PassesItsOwnResponseFormatThrough()
    {
        var (generator, server) = Create(OpenAIImageGeneratorOptions.ForCompatibleHost(new Uri("https://api.together.xyz/v1/"), "together-key-0123456789", "black-forest-labs/FLUX.1-schnell"));
        server.Then(() => Json("dall-e-3.generations.json"));
        var request = new ImageGenerationRequest("a fox") { Size = new ImageSize(1024, 768), Steps = 4 }
            .WithProviderOptions("openai", new OpenAIRequestOptions { ResponseFormat = "base64" });
        await generator.GenerateAsync(request);
        AssertJson("""{"prompt":"a fox","model":"black-forest-labs/FLUX.1-schnell","n":1,"size":"1024x768","response_format":"base64"}""", server.Requests.Single());
    }

    [Fact]
    public async Task LocalServer_NeedsNoKey()
    {
        var (generator, server) = Create(OpenAIImageGeneratorOptions.ForCompatibleHost(new Uri("http://127.0.0.1:8080/v1/"), null, "stablediffusion"));
        server.Then(() => Json("dall-e-3.generations.json"));
        await generator.GenerateAsync("a fox");
        Assert.Null(server.Requests.Single().Header("Authorization"));
        Assert.Throws<ArgumentException>(() => new OpenAIImageGenerator(new HttpClient(server), new OpenAIImageGeneratorOptions()));
    }

    [Fact]
    public async Task DependencyInjection_BindsOptionsFromConfiguration_AndKeysSeveralEndpoints()
    {
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ImageGeneration:DefaultProvider"] = "azure",
            ["ImageGeneration:Providers:openai:ApiKey"] = ApiKey,
            ["ImageGeneration:Providers:openai:DefaultModel"] = "dall-e-3",
            ["ImageGeneration:Providers:openai:Organization"] = "org-123",
            ["ImageGeneration:Providers:azure:ApiKey"] = "azure-key-0123456789",
            ["ImageGeneration:Providers:azure:Endpoint"] = "https://contoso.openai.azure.com/",
            ["ImageGeneration:Providers:azure:DeploymentName"] = "img",
            ["ImageGeneration:Providers:azure:ApiVersion"] = "2025-04-01-preview",
            ["ImageGeneration:Providers:azure:ApiKeyHeaderName"] = "api-key",
            ["ImageGeneration:Providers:openai:Prices:Models:dall-e-3:PerImage:standard-1024x1024"] = "0.05",
        }).Build();
        var server = new ScriptedHandler().Then(() => Json("dall-e-3.generations.json"));
        var services = new ServiceCollection();
        services.AddImageGeneration(config.GetSection("ImageGeneration"))
            .AddOpenAI(configureHttpClient: http => http.ConfigurePrimaryHttpMessageHandler(() => server))
            .AddOpenAI(name: "azure", configureHttpClient: http => http.ConfigurePrimaryHttpMessageHandler(() => server));
        using var provider = services.BuildServiceProvider();
        provider.GetRequiredService<Microsoft.Extensions.Options.IStartupValidator>().Validate();

        var openai = provider.GetRequiredKeyedService<IImageGenerator>("openai");
        var result = await openai.GenerateAsync("x");
        var sent = server.Requests.Last();
        Assert.Equal("org-123", sent.Header("OpenAI-Organization"));
        Assert.Equal("dall-e-3", Body(sent)["model"]!.GetValue<string>());
        Assert.Equal(0.05m, result.Cost!.EstimatedUsd);

        await provider.GetRequiredService<IImageGenerator>().GenerateAsync("x");
        Assert.StartsWith("https://contoso.openai.azure.com/openai/deployments/img/", server.Requests.Last().Uri.ToString());
    }
}
