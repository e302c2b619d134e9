using System.Collections.Concurrent;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using UnifiedImageGen.Http;
using UnifiedImageGen.Imaging;
using UnifiedImageGen.Jobs;
using UnifiedImageGen.Providers;
using UnifiedImageGen.Resilience;
using UnifiedImageGen.Validation;

namespace UnifiedImageGen.ComfyUI;

/// <summary>
/// A self-hosted ComfyUI server (or several): FLUX or Stable Diffusion on your own GPUs. A model is a workflow template
/// (built-in or yours); the request fills its placeholders, input images and masks are uploaded (<c>POST /upload/image</c>),
/// the workflow is queued with <c>POST /prompt</c> on the server with the shortest queue, progress arrives over the
/// <c>/ws</c> WebSocket, <c>GET /history/{id}</c> is polled for the outputs, and <c>GET /view</c> fetches their bytes.
/// Cancelling deletes the prompt from the queue and interrupts it if it runs. Images cost nothing per call; set
/// <see cref="ComfyUIImageGeneratorOptions.GpuHourUsd"/> to report GPU time as cost.
/// </summary>
public sealed class ComfyUIImageGenerator : JobImageGeneratorBase, IDisposable
{
    /// <summary>The provider name, <c>"comfyui"</c>.</summary>
    public const string ProviderName = "comfyui";

    private readonly ComfyUIImageGeneratorOptions _options;
    private readonly ProviderTransport _transport;
    private readonly Dictionary<string, ComfyUIWorkflow> _workflows;
    private readonly string _clientId = Guid.NewGuid().ToString("N");
    private readonly ConcurrentDictionary<string, double> _progress = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Task> _listeners = new(StringComparer.OrdinalIgnoreCase);
    private readonly CancellationTokenSource _stopping = new();
    private readonly IDisposable[] _owned;

    /// <summary>Creates a generator for the options' servers with its own HTTP client.</summary>
    /// <param name="options">The servers and workflows.</param>
    public ComfyUIImageGenerator(ComfyUIImageGeneratorOptions options)
        : this(ImageGenerationHttp.CreateClient(ProviderName), options, null, owned: true)
    {
    }

    /// <summary>Creates a generator over an <see cref="HttpClient"/> whose handler chain is the caller's.</summary>
    /// <param name="httpClient">The client.</param>
    /// <param name="options">The servers and workflows.</param>
    public ComfyUIImageGenerator(HttpClient httpClient, ComfyUIImageGeneratorOptions options)
        : this(httpClient, options, null, owned: false)
    {
    }

    internal ComfyUIImageGenerator(HttpClient httpClient, ComfyUIImageGeneratorOptions options, TimeProvider? timeProvider, bool owned)
        : base(options, timeProvider)
    {
        ArgumentNullException.ThrowIfNull(httpClient);
        options.ThrowIfInvalid("ComfyUIImageGeneratorOptions");

        _options = options;
        _owned = owned ? [httpClient] : [];
        _transport = new ProviderTransport(httpClient, new ProviderErrorMapper(ProviderName, new SecretRedactor(options.ApiKey), TimeProvider), new ImageDownloader(httpClient, options.Download, ProviderName), TimeProvider);
        _workflows = new Dictionary<string, ComfyUIWorkflow>(ComfyUIWorkflows.BuiltIn, StringComparer.OrdinalIgnoreCase);
        foreach (var (model, path) in options.WorkflowFiles)
        {
            _workflows[model] = new ComfyUIWorkflow { Json = File.ReadAllText(path), Capabilities = ImageCapabilities.All };
        }

        foreach (var (model, workflow) in options.Workflows)
        {
            _workflows[model] = workflow;
        }

        Metadata = new ImageGeneratorMetadata(ProviderName, options.Endpoint, options.DefaultModel ?? ComfyUIWorkflows.FluxDev, _workflows.Select(w => Describe(w.Key, w.Value)));
    }

    /// <inheritdoc/>
    public override ImageGeneratorMetadata Metadata { get; }

    /// <inheritdoc/>
    public override async Task<ImageJob> GetJobAsync(string jobId, CancellationToken cancellationToken = default)
    {
        var (server, promptId) = Parse(jobId);
        using var history = Request(HttpMethod.Get, new Uri(server, "history/" + Uri.EscapeDataString(promptId)));
        using var answer = await ReadJsonAsync(history, cancellationToken).ConfigureAwait(false);
        if (answer.RootElement.TryGetProperty(promptId, out var entry))
        {
            return Finished(jobId, promptId, entry);
        }

        // Not in the history yet: running or waiting in the queue.
        using var queue = Request(HttpMethod.Get, new Uri(server, "queue"));
        using var queued = await ReadJsonAsync(queue, cancellationToken).ConfigureAwait(false);
        int position = 0;
        foreach (var item in Items(queued.RootElement, "queue_pending"))
        {
            position++;
            if (item.GetArrayLength() > 1 && item[1].GetString() == promptId)
            {
                return new ImageJob { Provider = ProviderName, Id = jobId, Status = ImageJobStatus.Queued, QueuePosition = position };
            }
        }

        return new ImageJob { Provider = ProviderName, Id = jobId, Status = ImageJobStatus.Running, Progress = _progress.TryGetValue(promptId, out double p) ? p : null };
    }

    /// <inheritdoc/>
    public override async Task<ImageJob> CancelJobAsync(string jobId, CancellationToken cancellationToken = default)
    {
        var (server, promptId) = Parse(jobId);
        foreach (var (path, body) in new[] { ("queue", new JsonObject { ["delete"] = new JsonArray(promptId) }), ("interrupt", new JsonObject { ["prompt_id"] = promptId }) })
        {
            using var message = Request(HttpMethod.Post, new Uri(server, path));
            message.Content = Json(body);
            ImageGenerationResilienceHandler.MarkIdempotent(message);
            using var response = await _transport.SendAsync(message, null, cancellationToken).ConfigureAwait(false);
        }

        return await GetJobAsync(jobId, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Stops the progress listeners and disposes the HTTP client this generator created itself.</summary>
    public void Dispose()
    {
        _stopping.Cancel();
        foreach (var owned in _owned)
        {
            owned.Dispose();
        }
    }

    internal double? ProgressOf(string promptId) => _progress.TryGetValue(promptId, out double value) ? value : null;

    /// <inheritdoc/>
    protected override async Task<StartedJob> StartJobAsync(ImageGenerationRequest request, CancellationToken cancellationToken)
    {
        ImageRequestValidator.ValidateArguments(request);
        string model = ChooseModel(request);
        var workflow = _workflows.TryGetValue(model, out var known) ? known
            : throw new ImageGenerationException(ImageGenerationErrorKind.ModelNotFound, $"No ComfyUI workflow is named '{model}'. Known: {string.Join(", ", _workflows.Keys)}; add yours to ComfyUIImageGeneratorOptions.Workflows.") { Provider = ProviderName, Model = model };
        var validation = ImageRequestValidator.Validate(request with { Model = model }, Metadata.GetModel(model), _options.UnsupportedSettingBehavior, ProviderName);
        var applied = validation.Request;
        var server = await LeastBusyServerAsync(cancellationToken).ConfigureAwait(false);
        StartListening(server);

        string? image = applied.InputImages.Count > 0 ? await UploadAsync(server, applied.InputImages[0], "input", cancellationToken).ConfigureAwait(false) : null;
        string? mask = applied.Mask is { } m ? await UploadAsync(server, m, "mask", cancellationToken).ConfigureAwait(false) : null;
        long seed = applied.Seed ?? Random.Shared.NextInt64(0, 1L << 32); // ComfyUI needs a seed; report the one used
        var size = applied.Size ?? applied.AspectRatio?.ToSize(1.0, 16) ?? ImageSize.Square1024;
        var values = new Dictionary<string, JsonNode?>(StringComparer.Ordinal)
        {
            ["prompt"] = applied.Prompt ?? "",
            ["negative_prompt"] = applied.NegativePrompt ?? "",
            ["seed"] = seed,
            ["width"] = size.Width,
            ["height"] = size.Height,
            ["steps"] = applied.Steps ?? workflow.DefaultSteps,
            ["cfg"] = applied.GuidanceScale ?? workflow.DefaultCfg,
            ["denoise"] = applied.Strength ?? 0.75,
            ["batch_size"] = applied.Count,
            ["image"] = image,
            ["mask"] = mask,
            ["lora_name"] = applied.Loras.FirstOrDefault()?.Path,
            ["lora_strength"] = applied.Loras.FirstOrDefault()?.Scale ?? 1.0,
            ["checkpoint"] = model.Contains("flux", StringComparison.OrdinalIgnoreCase) ? _options.FluxCheckpoint : _options.SdxlCheckpoint,
        };
        var graph = Fill(JsonNode.Parse(workflow.Json), values);

        using var message = Request(HttpMethod.Post, new Uri(server, "prompt"));
        message.Content = Json(new JsonObject { ["prompt"] = graph, ["client_id"] = _clientId });
        using var answer = await ReadJsonAsync(message, cancellationToken, model).ConfigureAwait(false);
        string promptId = answer.RootElement.TryGetProperty("prompt_id", out var id) && id.GetString() is { } value ? value
            : throw new ImageGenerationException(ImageGenerationErrorKind.UnexpectedResponse, "ComfyUI queued the workflow without a prompt_id.") { Provider = ProviderName, Model = model };
        if (answer.RootElement.TryGetProperty("node_errors", out var nodeErrors) && nodeErrors.ValueKind == JsonValueKind.Object && nodeErrors.EnumerateObject().Any())
        {
            throw new ImageGenerationException(ImageGenerationErrorKind.InvalidRequest, $"ComfyUI rejected nodes of the '{model}' workflow: {Shorten(nodeErrors.GetRawText())}") { Provider = ProviderName, Model = model };
        }

        var job = new ImageJob { Provider = ProviderName, Id = new Uri(server, "history/" + promptId).AbsoluteUri, Status = ImageJobStatus.Queued, Model = model };
        return new StartedJob(job, validation.Warnings);
    }

    /// <inheritdoc/>
    protected override async Task<ImageGenerationResult> GetResultAsync(ImageJob job, CancellationToken cancellationToken)
    {
        var (server, promptId) = Parse(job.Id);
        var files = job.RawRepresentation as ComfyUIOutputs ?? throw new ImageGenerationException(ImageGenerationErrorKind.UnexpectedResponse, $"The ComfyUI prompt {promptId} finished without outputs.") { Provider = ProviderName };
        var images = new List<GeneratedImage>();
        foreach (var file in files.Images)
        {
            string query = $"view?filename={Uri.EscapeDataString(file.Filename)}&subfolder={Uri.EscapeDataString(file.Subfolder)}&type={Uri.EscapeDataString(file.Type)}";
            using var message = Request(HttpMethod.Get, new Uri(server, query));
            using var response = await _transport.SendAsync(message, job.Model, cancellationToken).ConfigureAwait(false);
            byte[] data = await PooledBuffer.ReadExactAsync(response.Content, _options.Download.MaxBytes, cancellationToken).ConfigureAwait(false);
            var size = ImageHeader.TryReadSize(data, out var read) ? read : (ImageSize?)null;
            images.Add(new GeneratedImage { Data = data, MediaType = ImageHeader.SniffMediaType(data) ?? "image/png", Width = size?.Width, Height = size?.Height });
        }

        if (images.Count == 0)
        {
            throw new ImageGenerationException(ImageGenerationErrorKind.UnexpectedResponse, $"The ComfyUI prompt {promptId} saved no images (does the workflow end in a SaveImage node?).") { Provider = ProviderName, Model = job.Model };
        }

        _progress.TryRemove(promptId, out _);
        decimal? usd = files.ExecutionSeconds is { } seconds && _options.GpuHourUsd is { } rate ? (decimal)seconds * rate / 3600m : null;
        return new ImageGenerationResult
        {
            Images = images,
            Provider = ProviderName,
            Model = job.Model ?? Metadata.DefaultModel,
            Usage = files.ExecutionSeconds is { } s ? new ImageUsage { ComputeSeconds = s } : null,
            Cost = new ImageCost { EstimatedUsd = usd ?? 0m, ReportedUsd = usd ?? 0m, Basis = usd is null ? "self-hosted (no per-image price)" : "GPU time at the configured hourly rate" },
            ProviderRequestId = promptId,
        };
    }

    private static ImageModelDescriptor Describe(string id, ComfyUIWorkflow workflow) => new(id, workflow.Capabilities)
    {
        MaxImagesPerCall = 4,
        SizeConstraint = new ImageSizeConstraint(64, 4096, 8),
        SupportedFormats = [ImageFormat.Png],
        MaxInputImages = 1,
    };

    private static ImageJob Finished(string jobId, string promptId, JsonElement entry)
    {
        var status = entry.TryGetProperty("status", out var s) ? s : default;
        string? state = status.ValueKind == JsonValueKind.Object && status.TryGetProperty("status_str", out var str) ? str.GetString() : "success";
        var outputs = new ComfyUIOutputs();
        double? start = null, end = null;
        string? error = null;
        if (status.ValueKind == JsonValueKind.Object)
        {
            foreach (var message in Items(status, "messages"))
            {
                if (message.GetArrayLength() < 2)
                {
                    continue;
                }

                string kind = message[0].GetString() ?? "";
                var data = message[1];
                double? timestamp = data.TryGetProperty("timestamp", out var t) && t.TryGetDouble(out double ms) ? ms : null;
                if (kind == "execution_start")
                {
                    start = timestamp;
                }
                else if (kind is "execution_success" or "execution_error")
                {
                    end = timestamp;
                }

                if (kind == "execution_error")
                {
                    error = $"{(data.TryGetProperty("exception_type", out var type) ? type.GetString() : "error")}: {(data.TryGetProperty("exception_message", out var text) ? text.GetString() : "")}";
                }
            }
        }

        outputs.ExecutionSeconds = start is { } a && end is { } b ? (b - a) / 1000 : null;
        if (entry.TryGetProperty("outputs", out var nodes) && nodes.ValueKind == JsonValueKind.Object)
        {
            foreach (var node in nodes.EnumerateObject())
            {
                foreach (var image in Items(node.Value, "images"))
                {
                    if (image.TryGetProperty("filename", out var name) && (!image.TryGetProperty("type", out var type) || type.GetString() != "temp"))
                    {
                        outputs.Images.Add(new ComfyUIFile(name.GetString()!, image.TryGetProperty("subfolder", out var sub) ? sub.GetString() ?? "" : "", image.TryGetProperty("type", out var kind) ? kind.GetString() ?? "output" : "output"));
                    }
                }
            }
        }

        bool failed = state == "error" || error is not null;
        return new ImageJob
        {
            Provider = ProviderName,
            Id = jobId,
            Status = failed ? ImageJobStatus.Failed : ImageJobStatus.Succeeded,
            Progress = failed ? null : 1,
            Error = failed ? new ImageGenerationException(ImageGenerationErrorKind.ProviderUnavailable, $"The ComfyUI workflow failed: {Shorten(error ?? "no message")}") { Provider = ProviderName, ProviderRequestId = promptId } : null,
            RawRepresentation = outputs,
        };
    }

    // Replaces "{{name}}" strings by typed values and "{{name}}" inside longer strings by text.
    private static JsonNode? Fill(JsonNode? node, IReadOnlyDictionary<string, JsonNode?> values)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var key in obj.Select(p => p.Key).ToArray())
                {
                    var child = obj[key];
                    if (Fill(child, values) is var filled && !ReferenceEquals(filled, child))
                    {
                        obj[key] = filled;
                    }
                }

                return obj;
            case JsonArray array:
                for (int i = 0; i < array.Count; i++)
                {
                    var child = array[i];
                    if (Fill(child, values) is var filled && !ReferenceEquals(filled, child))
                    {
                        array[i] = filled;
                    }
                }

                return array;
            case JsonValue value when value.TryGetValue(out string? text) && text.Contains("{{", StringComparison.Ordinal):
                if (text.StartsWith("{{", StringComparison.Ordinal) && text.EndsWith("}}", StringComparison.Ordinal) && values.TryGetValue(text[2..^2], out var whole))
                {
                    return whole?.DeepClone();
                }

                foreach (var (name, replacement) in values)
                {
                    text = text.Replace("{{" + name + "}}", replacement?.ToString() ?? "", StringComparison.Ordinal);
                }

                return JsonValue.Create(text);
            default:
                return node;
        }
    }

    private string ChooseModel(ImageGenerationRequest request)
    {
        if (request.Model is { } asked)
        {
            return asked;
        }

        var needed = ImageRequestValidator.RequiredCapability(request.Operation);
        return Metadata.GetModel(Metadata.DefaultModel).Supports(needed) ? Metadata.DefaultModel
            : Metadata.Models.FirstOrDefault(m => m.Supports(needed))?.Id ?? Metadata.DefaultModel;
    }

    private async Task<Uri> LeastBusyServerAsync(CancellationToken cancellationToken)
    {
        var servers = _options.Servers.Select(ImageGenerationHttp.WithTrailingSlash).ToArray();
        if (servers.Length == 1)
        {
            return servers[0];
        }

        var loads = await Task.WhenAll(servers.Select(async server =>
        {
            try
            {
                using var message = Request(HttpMethod.Get, new Uri(server, "queue"));
                using var queue = await ReadJsonAsync(message, cancellationToken).ConfigureAwait(false);
                return (Server: server, Load: Items(queue.RootElement, "queue_running").Count() + Items(queue.RootElement, "queue_pending").Count());
            }
            catch (ImageGenerationException)
            {
                return (Server: server, Load: int.MaxValue); // unreachable servers are the last choice
            }
        })).ConfigureAwait(false);
        var best = loads.OrderBy(l => l.Load).First();
        return best.Load == int.MaxValue
            ? throw new ImageGenerationException(ImageGenerationErrorKind.ProviderUnavailable, "No ComfyUI server answered GET /queue.") { Provider = ProviderName, IsTransient = true }
            : best.Server;
    }

    private async Task<string> UploadAsync(Uri server, ImageInput image, string stem, CancellationToken cancellationToken)
    {
        var form = new MultipartForm().File("image", image, $"unifiedimagegen-{stem}-{Guid.NewGuid():N}").Field("overwrite", "true").Field("type", "input");
        using var message = Request(HttpMethod.Post, new Uri(server, "upload/image"));
        message.Content = form.Content;
        using var answer = await ReadJsonAsync(message, cancellationToken).ConfigureAwait(false);
        string name = answer.RootElement.GetProperty("name").GetString()!;
        return answer.RootElement.TryGetProperty("subfolder", out var sub) && sub.GetString() is { Length: > 0 } folder ? folder + "/" + name : name;
    }

    // One WebSocket per server, for the life of the generator: progress messages for our client id.
    private void StartListening(Uri server)
    {
        _listeners.GetOrAdd(server.GetLeftPart(UriPartial.Authority), _ => Task.Run(() => ListenAsync(server)));
    }

    private async Task ListenAsync(Uri server)
    {
        var builder = new UriBuilder(new Uri(server, "ws")) { Scheme = server.Scheme == Uri.UriSchemeHttps ? "wss" : "ws", Query = "clientId=" + _clientId };
        using var socket = new ClientWebSocket();
        if (!string.IsNullOrEmpty(_options.ApiKey))
        {
            socket.Options.SetRequestHeader("Authorization", "Bearer " + _options.ApiKey);
        }

        try
        {
            await socket.ConnectAsync(builder.Uri, _stopping.Token).ConfigureAwait(false);
            var buffer = new byte[16 * 1024];
            var message = new MemoryStream();
            while (!_stopping.IsCancellationRequested && socket.State == WebSocketState.Open)
            {
                var received = await socket.ReceiveAsync(buffer, _stopping.Token).ConfigureAwait(false);
                if (received.MessageType == WebSocketMessageType.Close)
                {
                    break;
                }

                message.Write(buffer, 0, received.Count);
                if (!received.EndOfMessage)
                {
                    continue;
                }

                if (received.MessageType == WebSocketMessageType.Text)
                {
                    OnMessage(message.GetBuffer().AsSpan(0, (int)message.Length));
                }

                message.SetLength(0); // binary frames are previews; not used here
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or IOException or HttpRequestException)
        {
            // Progress is a nicety: polling still finishes the job.
        }
        finally
        {
            _listeners.TryRemove(server.GetLeftPart(UriPartial.Authority), out _);
        }
    }

    private void OnMessage(ReadOnlySpan<byte> json)
    {
        try
        {
            var message = JsonSerializer.Deserialize(json, ComfyUIJsonContext.Default.SocketMessage);
            if (message?.Data is not { PromptId: { } promptId } data)
            {
                return;
            }

            if (message.Type == "progress" && data.Max is > 0 && data.Value is { } value)
            {
                _progress[promptId] = Math.Clamp(value / data.Max.Value, 0, 1);
            }
            else if (message.Type == "execution_start")
            {
                _progress.TryAdd(promptId, 0);
            }
        }
        catch (JsonException)
        {
            // An unknown message shape is ignored.
        }
    }

    private (Uri Server, string PromptId) Parse(string jobId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(jobId);
        if (Uri.TryCreate(jobId, UriKind.Absolute, out var url) && url.AbsolutePath.Contains("/history/", StringComparison.Ordinal))
        {
            string promptId = Uri.UnescapeDataString(url.AbsolutePath[(url.AbsolutePath.LastIndexOf('/') + 1)..]);
            var server = _options.Servers.Select(ImageGenerationHttp.WithTrailingSlash).FirstOrDefault(s => jobId.StartsWith(s.AbsoluteUri, StringComparison.OrdinalIgnoreCase));
            if (server is not null && promptId.Length > 0)
            {
                return (server, promptId);
            }
        }

        throw new ArgumentException($"'{jobId}' is not a job of this generator's ComfyUI servers: expected {ImageGenerationHttp.WithTrailingSlash(_options.Endpoint)}history/<prompt_id>.", nameof(jobId));
    }


    private static IEnumerable<JsonElement> Items(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var items) && items.ValueKind == JsonValueKind.Array ? items.EnumerateArray() : [];

    private static string Shorten(string text) => text.Length <= 500 ? text : text[..500] + "…";

    private static ByteArrayContent Json(JsonObject body)
    {
        var content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(body, ComfyUIJsonContext.Default.JsonObject));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return content;
    }

    private HttpRequestMessage Request(HttpMethod method, Uri uri)
    {
        var message = new HttpRequestMessage(method, uri);
        if (!string.IsNullOrEmpty(_options.ApiKey))
        {
            message.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _options.ApiKey);
        }

        return message;
    }

    private async Task<JsonDocument> ReadJsonAsync(HttpRequestMessage message, CancellationToken cancellationToken, string? model = null)
    {
        using (message)
        {
            using var response = await _transport.SendAsync(message, model, cancellationToken).ConfigureAwait(false);
            using var body = await _transport.ReadBodyAsync(response, 64L * 1024 * 1024, cancellationToken).ConfigureAwait(false);
            try
            {
                return JsonDocument.Parse(body.Memory.ToArray());
            }
            catch (JsonException ex)
            {
                throw new ImageGenerationException(ImageGenerationErrorKind.UnexpectedResponse, "ComfyUI answered with JSON this SDK could not read.", ex) { Provider = ProviderName, Model = model };
            }
        }
    }
}
