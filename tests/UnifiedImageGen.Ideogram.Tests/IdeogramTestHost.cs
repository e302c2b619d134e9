using System.Net;
using System.Text;
using UnifiedImageGen.Imaging;
using UnifiedImageGen.Testing;

namespace UnifiedImageGen.Ideogram.Tests;

/// <summary>What the Ideogram test classes share: a generator over a scripted server, and answers in the spec's shapes.</summary>
internal static class IdeogramTestHost
{
    public const string Key = "ideogram-key-0123456789abcdef";

    // ideogram-openapi.json ImageGenerationObjectV3: ephemeral signed URLs.
    public const string Url = "https://ideogram.ai/api/images/ephemeral/xtdZiqPwRxqY1Y7NExFmzB.png?exp=1764003600&sig=abc";
    public static readonly byte[] Png = PngEncoder.Encode(new byte[24 * 16 * 4], 24, 16);

    public static (IdeogramImageGenerator, ScriptedHandler) Create(Action<IdeogramImageGeneratorOptions>? configure = null)
    {
        var server = new ScriptedHandler();
        var options = new IdeogramImageGeneratorOptions { ApiKey = Key };
        configure?.Invoke(options);
        var http = new HttpClient(server);
        return (new IdeogramImageGenerator(http, options, new Http.ImageDownloader(http, options.Download, "ideogram"), null, owned: false), server);
    }

    public static HttpResponseMessage Json(string json, HttpStatusCode status = HttpStatusCode.OK) =>
        new(status) { Content = new StringContent(json, Encoding.UTF8, "application/json") };

    // ImageGenerationResponseV3: {created, data: [{url, prompt, resolution, is_image_safe, seed, style_type}]}.
    public static HttpResponseMessage Answer(params (bool Safe, string Prompt)[] images) => Json(
        "{\"created\":\"2026-11-22T12:00:00+00:00\",\"data\":[" + string.Join(",", images.Select((i, n) => $$"""{"url":{{(i.Safe ? $"\"{Url}\"" : "null")}},"prompt":"{{i.Prompt}}","resolution":"1312x736","is_image_safe":{{(i.Safe ? "true" : "false")}},"seed":{{100 + n}},"style_type":"GENERAL"}""")) + "]}");

    public static HttpResponseMessage Image()
    {
        var content = new ByteArrayContent(Png);
        content.Headers.ContentType = new("image/png");
        return new HttpResponseMessage(HttpStatusCode.OK) { Content = content };
    }
}
