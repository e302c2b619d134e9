using System.Net;
using System.Text;
using UnifiedImageGen.Testing;

namespace UnifiedImageGen.Leonardo.Tests;

/// <summary>A generator over a scripted or custom handler, on a manual clock, and the JSON answers the tests script.</summary>
// Source of the scripted shapes: PROVIDERS.md 8.1 and 13.9 (spec: leonardo-ts-sdk, docs: docs.leonardo.ai/reference
// createGeneration / getGenerationById: sdGenerationJob.generationId, generations_by_pk.status/generated_images[].url).
internal static class LeonardoTestHost
{
    public const string Key = "leonardo-key-0123456789abcdef";
    public const string Id = "5b7b7c8a-4e6d-4c7b-9a3e-2f1d0c9b8a7e";

    public static (LeonardoImageGenerator, ScriptedHandler, ManualTimeProvider) Create(Action<LeonardoImageGeneratorOptions>? configure = null) => Create(new ScriptedHandler(), configure);

    // API calls and result downloads both go to the server (the public constructors download through a guarded client).
    public static (LeonardoImageGenerator, T, ManualTimeProvider) Create<T>(T server, Action<LeonardoImageGeneratorOptions>? configure = null)
        where T : HttpMessageHandler
    {
        var time = new ManualTimeProvider();
        var options = new LeonardoImageGeneratorOptions { ApiKey = Key };
        configure?.Invoke(options);
        var http = new HttpClient(server);
        return (new LeonardoImageGenerator(http, options, new Http.ImageDownloader(http, options.Download, "leonardo"), time, owned: false), server, time);
    }

    public static HttpResponseMessage Json(string json, HttpStatusCode status = HttpStatusCode.OK) =>
        new(status) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
}
