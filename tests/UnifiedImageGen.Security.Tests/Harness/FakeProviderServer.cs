using System.Collections.Concurrent;
using System.Net;
using System.Text;
using UnifiedImageGen.Imaging;
using UnifiedImageGen.Testing;

namespace UnifiedImageGen.Security.Tests.Harness;

/// <summary>
/// A provider emulator for one provider: answers every call of the provider's protocol with a valid recorded answer
/// (submit, status, result, cancel, image download), records every request, tracks whether each response was disposed,
/// and lets a test replace the answer to any request with <see cref="Override"/>.
/// </summary>
public sealed class FakeProviderServer : HttpMessageHandler
{
    public static readonly byte[] Png = PngEncoder.Encode(new byte[8 * 8 * 4], 8, 8);

    /// <summary>Where result images live unless a test changes it.</summary>
    public const string DefaultImageUrl = "https://cdn.example.com/results/a.png";

    private readonly ConcurrentQueue<TrackedContent> _contents = new();
    private int _counter;

    public FakeProviderServer(string provider) => Provider = provider;

    public string Provider { get; }

    public ConcurrentQueue<RecordedRequest> Requests { get; } = new();

    /// <summary>The URL the provider answers with for its result images.</summary>
    public string ImageUrl { get; set; } = DefaultImageUrl;

    /// <summary>Answers a request instead of the emulator when it returns non-null.</summary>
    public Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>?>? Override { get; set; }

    public int Count => Requests.Count;

    /// <summary>Whether every response body handed out so far was disposed (the connection released).</summary>
    public bool AllResponsesDisposed => _contents.All(c => c.Disposed);

    public IEnumerable<RecordedRequest> To(string pathFragment) => Requests.Where(r => r.Uri.AbsoluteUri.Contains(pathFragment, StringComparison.Ordinal));

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        byte[] body = request.Content is null ? [] : await request.Content.ReadAsByteArrayAsync(cancellationToken);
        var headers = request.Headers.Concat(request.Content?.Headers ?? Enumerable.Empty<KeyValuePair<string, IEnumerable<string>>>())
            .ToDictionary(h => h.Key, h => string.Join(", ", h.Value), StringComparer.OrdinalIgnoreCase);
        Requests.Enqueue(new RecordedRequest(request.Method, request.RequestUri!, headers, body, request.Content?.Headers.ContentType?.ToString()));
        cancellationToken.ThrowIfCancellationRequested();

        var response = (Override is { } custom ? await (custom(request, cancellationToken) ?? Task.FromResult<HttpResponseMessage>(null!)) : null)
            ?? Answer(request, body);
        response.RequestMessage ??= request;
        if (response.Content is not null and not TrackedContent)
        {
            var tracked = new TrackedContent(response.Content);
            _contents.Enqueue(tracked);
            response.Content = tracked;
        }

        return response;
    }

    public static HttpResponseMessage Json(string json, HttpStatusCode status = HttpStatusCode.OK) =>
        new(status) { Content = new StringContent(json, Encoding.UTF8, "application/json") };

    public static HttpResponseMessage Image(byte[]? data = null, string type = "image/png")
    {
        var content = new ByteArrayContent(data ?? Png);
        content.Headers.ContentType = new(type);
        return new HttpResponseMessage(HttpStatusCode.OK) { Content = content };
    }

    private static string B64 => Convert.ToBase64String(Png);

    private HttpResponseMessage Answer(HttpRequestMessage request, byte[] body)
    {
        var uri = request.RequestUri!;
        string path = uri.AbsolutePath;
        string? imageHost = Uri.TryCreate(ImageUrl, UriKind.Absolute, out var imageUri) ? imageUri.Host : null;
        if (request.Method == HttpMethod.Get && uri.Host == imageHost && Provider != "comfyui")
        {
            return Image();
        }

        int n = Interlocked.Increment(ref _counter);
        switch (Provider)
        {
            case "openai":
                // DALL-E style: a URL the SDK must download (GPT image answers with base64 are covered by the OpenAI tests).
                return Json($$"""{"created":1764000000,"data":[{"url":"{{ImageUrl}}","revised_prompt":"a fox"}]}""");
            case "stability":
                if (path.Contains("/results/", StringComparison.Ordinal))
                {
                    return StabilityImage();
                }

                return path.Contains("upscale/creative", StringComparison.Ordinal) || path.Contains("replace-background", StringComparison.Ordinal)
                    ? Json("""{"id":"a6dc6c6e20acda010fe14d71f180658f2896ed9b4ec25aa99a6ff06c796987c4"}""")
                    : StabilityImage();
            case "replicate":
                if (path.EndsWith("/cancel", StringComparison.Ordinal))
                {
                    return Json(Prediction("canceled", "null"));
                }

                return Json(Prediction("succeeded", $"[\"{ImageUrl}\"]"));
            case "fal":
                const string ResponseUrl = "https://queue.fal.run/fal-ai/flux/requests/764cabcf-b745-4b3e-ae38-1200304cf45b";
                if (request.Method == HttpMethod.Put)
                {
                    return Json("{}", HttpStatusCode.Accepted);
                }

                if (request.Method == HttpMethod.Post && uri.Host == "queue.fal.run")
                {
                    return Json($$"""{"request_id":"764cabcf-b745-4b3e-ae38-1200304cf45b","response_url":"{{ResponseUrl}}","status_url":"{{ResponseUrl}}/status","cancel_url":"{{ResponseUrl}}/cancel","queue_position":0}""");
                }

                if (path.EndsWith("/status", StringComparison.Ordinal))
                {
                    return Json($$"""{"status":"COMPLETED","request_id":"764cabcf-b745-4b3e-ae38-1200304cf45b","response_url":"{{ResponseUrl}}"}""");
                }

                return Json($$"""{"images":[{"url":"{{ImageUrl}}","width":8,"height":8,"content_type":"image/png"}],"timings":{"inference":0.5},"seed":42,"has_nsfw_concepts":[false],"prompt":"a fox"}""");
            case "bfl":
                if (request.Method == HttpMethod.Post)
                {
                    return Json("""{"id":"e8a7f3c2","polling_url":"https://api.bfl.ai/v1/get_result?id=e8a7f3c2","cost":4.0}""");
                }

                return Json($$"""{"id":"e8a7f3c2","status":"Ready","result":{"sample":"{{ImageUrl}}","seed":1234},"progress":null,"details":null,"preview":null}""");
            case "google":
                return path.EndsWith(":predict", StringComparison.Ordinal)
                    ? Json($$"""{"predictions":[{"bytesBase64Encoded":"{{B64}}","mimeType":"image/png"}]}""")
                    : Json($$$"""{"candidates":[{"content":{"role":"model","parts":[{"inlineData":{"mimeType":"image/png","data":"{{{B64}}}"}}]},"finishReason":"STOP","index":0}],"usageMetadata":{"promptTokenCount":12,"candidatesTokenCount":1290,"totalTokenCount":1302}}""");
            case "ideogram":
                return Json($$"""{"created":"2026-11-22T12:00:00+00:00","data":[{"url":"{{ImageUrl}}","prompt":"a fox","resolution":"1024x1024","is_image_safe":true,"seed":{{n}},"style_type":"GENERAL"}]}""");
            case "leonardo":
                if (request.Method == HttpMethod.Post)
                {
                    return Json("""{"sdGenerationJob":{"generationId":"gen-1","apiCreditCost":24}}""");
                }

                return Json($$$"""{"generations_by_pk":{"id":"gen-1","status":"COMPLETE","imageWidth":8,"imageHeight":8,"seed":777,"generated_images":[{"id":"i1","url":"{{{ImageUrl}}}","nsfw":false}]}}""");
            case "firefly":
                if (uri.Host.Contains("adobelogin", StringComparison.Ordinal))
                {
                    return Json("""{"access_token":"eyJ-FIREFLY-ACCESS-TOKEN-9c1d","token_type":"bearer","expires_in":86399}""");
                }

                if (path.EndsWith("generate-async", StringComparison.Ordinal))
                {
                    return Json("""{"jobId":"urn:ff:jobs:abc123","statusUrl":"https://firefly-api.adobe.io/v3/status/urn:ff:jobs:abc123","cancelUrl":"https://firefly-api.adobe.io/v3/cancel/urn:ff:jobs:abc123"}""", HttpStatusCode.Accepted);
                }

                if (path.Contains("/storage/", StringComparison.Ordinal))
                {
                    return Json("""{"images":[{"id":"upload-1"}]}""");
                }

                if (request.Method == HttpMethod.Put)
                {
                    return Json("{}");
                }

                return Json($$$"""{"jobId":"urn:ff:jobs:abc123","status":"succeeded","result":{"outputs":[{"seed":1842,"image":{"url":"{{{ImageUrl}}}"}}]}}""");
            case "comfyui":
                if (path.Contains("/object_info/", StringComparison.Ordinal))
                {
                    // A server that has every node (server.py get_object_info_node answers {class: description}).
                    string node = Uri.UnescapeDataString(path[(path.LastIndexOf('/') + 1)..]);
                    return Json(new System.Text.Json.Nodes.JsonObject { [node] = new System.Text.Json.Nodes.JsonObject { ["input"] = new System.Text.Json.Nodes.JsonObject() } }.ToJsonString());
                }

                if (path.EndsWith("/queue", StringComparison.Ordinal) && request.Method == HttpMethod.Get)
                {
                    return Json("""{"queue_running":[],"queue_pending":[]}""");
                }

                if (path.EndsWith("/prompt", StringComparison.Ordinal))
                {
                    return Json("""{"prompt_id":"p-1","number":1,"node_errors":{}}""");
                }

                if (path.Contains("/history/", StringComparison.Ordinal))
                {
                    return Json("""{"p-1":{"status":{"status_str":"success","completed":true,"messages":[]},"outputs":{"9":{"images":[{"filename":"a.png","subfolder":"","type":"output"}]}}}}""");
                }

                if (path.EndsWith("/view", StringComparison.Ordinal))
                {
                    return Image();
                }

                if (path.Contains("/upload/", StringComparison.Ordinal))
                {
                    return Json("""{"name":"in.png","subfolder":"","type":"input"}""");
                }

                return Json("{}");
            default:
                throw new InvalidOperationException($"No emulator for {Provider}.");
        }
    }

    private static HttpResponseMessage StabilityImage()
    {
        var response = Image();
        response.Headers.TryAddWithoutValidation("seed", "343940597");
        response.Headers.TryAddWithoutValidation("finish-reason", "SUCCESS");
        return response;
    }

    private static string Prediction(string status, string output) =>
        $$$"""{"id":"ufawqhfynnddngldkgtslldrkq","model":"black-forest-labs/flux-schnell","version":"hidden","status":"{{{status}}}","input":{},"logs":"","output":{{{output}}},"error":null,"created_at":"2026-11-22T10:00:00.000Z","metrics":{"predict_time":0.6}}""";

    /// <summary>A body that records whether it was disposed.</summary>
    private sealed class TrackedContent : HttpContent
    {
        private readonly HttpContent _inner;

        public TrackedContent(HttpContent inner)
        {
            _inner = inner;
            foreach (var header in inner.Headers)
            {
                Headers.TryAddWithoutValidation(header.Key, header.Value);
            }
        }

        public bool Disposed { get; private set; }

        protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) => _inner.CopyToAsync(stream);

        protected override Task<Stream> CreateContentReadStreamAsync() => _inner.ReadAsStreamAsync();

        protected override bool TryComputeLength(out long length)
        {
            length = _inner.Headers.ContentLength ?? -1;
            return length >= 0;
        }

        protected override void Dispose(bool disposing)
        {
            Disposed = true;
            if (disposing)
            {
                _inner.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
