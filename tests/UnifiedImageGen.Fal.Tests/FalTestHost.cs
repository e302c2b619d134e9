using System.Net;
using System.Text;
using UnifiedImageGen.Imaging;
using UnifiedImageGen.Testing;

namespace UnifiedImageGen.Fal.Tests;

/// <summary>What the fal test classes share: a generator over a scripted server and a manual clock, and canned values.</summary>
internal static class FalTestHost
{
    // PROVIDERS.md 4.1: fal keys are "key_id:key_secret", sent as "Authorization: Key <FAL_KEY>"; request ids are UUIDs
    // (4.2, fal-js queue.ts).
    public const string Key = "fal-key-id:fal-key-secret-0123456789";
    public const string RequestId = "764cabcf-b745-4b3e-ae38-1200304cf45b";
    public static readonly byte[] Jpeg = PngEncoder.Encode(new byte[16 * 12 * 4], 16, 12);

    public static (FalImageGenerator, ScriptedHandler, ManualTimeProvider) Create(Action<FalImageGeneratorOptions>? configure = null)
    {
        var server = new ScriptedHandler();
        var time = new ManualTimeProvider();
        var options = new FalImageGeneratorOptions { ApiKey = Key };
        configure?.Invoke(options);
        var http = new HttpClient(server);
        return (new FalImageGenerator(http, options, new Http.ImageDownloader(http, options.Download, "fal"), time, owned: false), server, time);
    }

    public static HttpResponseMessage Json(string json, HttpStatusCode status = HttpStatusCode.OK) =>
        new(status) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
}
