using System.Net;
using System.Text;
using UnifiedImageGen.Imaging;
using UnifiedImageGen.Testing;

namespace UnifiedImageGen.StabilityAI.Tests;

/// <summary>What the Stability test classes share: a generator over a scripted server and a manual clock, and canned values.</summary>
internal static class StabilityTestHost
{
    // PROVIDERS.md 2.1: "authorization: Bearer sk-...".
    public const string Key = "sk-STABILITYTESTKEY0123456789abcdef";
    public static readonly byte[] Png = PngEncoder.Encode(new byte[96 * 64 * 4], 96, 64);
    public static readonly ImageInput Photo = ImageInput.FromBytes(Png);

    public static (StabilityAIImageGenerator, ScriptedHandler, ManualTimeProvider) Create(Action<StabilityAIImageGeneratorOptions>? configure = null)
    {
        var server = new ScriptedHandler();
        var time = new ManualTimeProvider();
        var options = new StabilityAIImageGeneratorOptions { ApiKey = Key };
        configure?.Invoke(options);
        return (new StabilityAIImageGenerator(new HttpClient(server), options, time, owned: false), server, time);
    }

    public static HttpResponseMessage Json(string json, HttpStatusCode status = HttpStatusCode.OK) =>
        new(status) { Content = new StringContent(json, Encoding.UTF8, "application/json") };

    public static Dictionary<string, FormPart> Parts(RecordedRequest request) => MultipartParser.Parse(request).ToDictionary(p => p.Name);
}
