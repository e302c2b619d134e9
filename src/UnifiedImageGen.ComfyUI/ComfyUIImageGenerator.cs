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
/// Before queueing, <c>GET /object_info/{NodeClass}</c> checks that the server has the workflow's nodes and files
/// (<see cref="ComfyUIImageGeneratorOptions.Preflight"/>). Cancelling deletes the prompt from the queue and interrupts
/// it only when <c>GET /queue</c> shows it running. Images cost nothing per call; set
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
    private readonly ConcurrentDictionary<string, (DateTimeOffset Expires, JsonElement? Info)> _nodeInfo = new(StringComparer.Ordinal);
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
        // Result URLs never go through httpClient (its handlers are the caller's): the downloader has a guarded client.
        (var downloader, _owned) = ImageGenerationHttp.Downloads(httpClient, options, ProviderName, downloader: null, owned);
        _transport = new ProviderTransport(httpClient, new ComfyUIErrorMapper(new SecretRedactor(options.ApiKey), TimeProvider), downloader, TimeProvider);
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
        if (await HistoryAsync(server, jobId, promptId, cancellationToken).ConfigureAwait(false) is { } finished)
        {
            return finished;
        }

        // Not in the history yet: waiting in the queue, or running.
        using var queue = await QueueAsync(server, cancellationToken).ConfigureAwait(false);
        int position = 0;
        foreach (var item in Items(queue.RootElement, "queue_pending"))
        {
            position++;
            if (IsPrompt(item, promptId))
            {
                return new ImageJob { Provider = ProviderName, Id = jobId, Status = ImageJobStatus.Queued, QueuePosition = position };
            }
        }

        if (Items(queue.RootElement, "queue_running").Any(item => IsPrompt(item, promptId)))
        {
            return new ImageJob { Provider = ProviderName, Id = jobId, Status = ImageJobStatus.Running, Progress = _progress.TryGetValue(promptId, out double p) ? p : null };
        }

        // Neither queued nor running: it finished between the two reads, or it was deleted from the queue, and a
        // deleted prompt never reaches the history (server.py post_queue; execution.py PromptQueue.task_done).
        return await HistoryAsync(server, jobId, promptId, cancellationToken).ConfigureAwait(false)
            ?? new ImageJob { Provider = ProviderName, Id = jobId, Status = ImageJobStatus.Canceled };
    }

    /// <inheritdoc/>
    public override async Task<ImageJob> CancelJobAsync(string jobId, CancellationToken cancellationToken = default)
    {
        var (server, promptId) = Parse(jobId);

        // Deleting only touches prompts still waiting (server.py post_queue), so it is always safe, and afterwards the
        // prompt is either gone or already running.
        await PostAsync(server, "queue", new JsonObject { ["delete"] = new JsonArray(promptId) }, cancellationToken).ConfigureAwait(false);
        using (var queue = await QueueAsync(server, cancellationToken).ConfigureAwait(false))
        {
            // Older servers ignore the body of /interrupt and stop whatever runs, maybe another client's prompt; newer
            // ones stop only the prompt_id given (server.py post_interrupt). So interrupt only when ours is running.
            if (Items(queue.RootElement, "queue_running").Any(item => IsPrompt(item, promptId)))
            {
                await PostAsync(server, "interrupt", new JsonObject { ["prompt_id"] = promptId }, cancellationToken).ConfigureAwait(false);
            }
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
        bool takesLora = workflow.Json.Contains("{{lora_name}}", StringComparison.Ordinal);
        if (takesLora && applied.Loras.Count != 1)
        {
            throw new ArgumentException($"request.Loras has {applied.Loras.Count} LoRA(s); the ComfyUI workflow '{model}' applies exactly 1 (its {{{{lora_name}}}}). Add more LoraLoader nodes to a workflow of your own for more.", nameof(request));
        }

        var server = await LeastBusyServerAsync(cancellationToken).ConfigureAwait(false);
        StartListening(server);

        string? image = applied.InputImages.Count > 0 ? await UploadAsync(server, applied.InputImages[0], "input", cancellationToken).ConfigureAwait(false) : null;
        string? mask = applied.Mask is { } m ? await UploadAsync(server, m, "mask", cancellationToken).ConfigureAwait(false) : null;
        string maskChannel = applied.Mask is { IsUri: false } maskInput ? ComfyUIMasks.Channel(maskInput.Data.Span) : "alpha";
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
            ["denoise"] = applied.Strength ?? (applied.Operation == ImageOperation.Inpaint ? 1.0 : 0.75),
            ["batch_size"] = applied.Count,
            ["image"] = image,
            ["mask"] = mask,
            ["mask_channel"] = maskChannel,
            ["lora_name"] = applied.Loras.FirstOrDefault()?.Path,
            ["lora_strength"] = applied.Loras.FirstOrDefault()?.Scale ?? 1.0,
            ["checkpoint"] = model.Contains("flux", StringComparison.OrdinalIgnoreCase) ? _options.FluxCheckpoint : _options.SdxlCheckpoint,
            ["unet"] = _options.FluxDiffusionModel,
            ["clip_l"] = _options.FluxClipL,
            ["t5xxl"] = _options.FluxT5xxl,
            ["vae"] = _options.FluxVae,
        };
        var graph = Fill(JsonNode.Parse(workflow.Json), values);
        if (_options.Preflight && graph is JsonObject nodes)
        {
            await PreflightAsync(server, nodes, model, [image, mask], cancellationToken).ConfigureAwait(false);
        }

        using var message = Request(HttpMethod.Post, new Uri(server, "prompt"));
        message.Content = Json(new JsonObject { ["prompt"] = graph, ["client_id"] = _clientId });
        ProviderTransport.MarkBillableSubmit(message, model, applied.Count);
        using var answer = await ReadJsonAsync(message, cancellationToken, model).ConfigureAwait(false);
        string promptId = answer.RootElement.TryGetProperty("prompt_id", out var id) && id.GetString() is { } value ? value
            : throw new ImageGenerationException(ImageGenerationErrorKind.UnexpectedResponse, "ComfyUI queued the workflow without a prompt_id.") { Provider = ProviderName, Model = model };
        if (answer.RootElement.TryGetProperty("node_errors", out var nodeErrors) && nodeErrors.ValueKind == JsonValueKind.Object && nodeErrors.EnumerateObject().Any())
        {
            // Queued anyway (some outputs were valid): take it back before failing.
            try
            {
                await CancelJobAsync(new Uri(server, "history/" + promptId).AbsoluteUri, cancellationToken).ConfigureAwait(false);
            }
            catch (ImageGenerationException)
            {
                // The rejection below says more than a failed clean-up.
            }

            var (text, missingFile) = ComfyUIErrorMapper.Describe(answer.RootElement);
            throw new ImageGenerationException(missingFile ? ImageGenerationErrorKind.ModelNotFound : ImageGenerationErrorKind.InvalidRequest, $"ComfyUI rejected nodes of the '{model}' workflow: {Shorten(text)}") { Provider = ProviderName, Model = model };
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
            var (data, mediaType) = await _transport.ReadImageAsync(response, _options.Download.MaxBytes, job.Model, cancellationToken).ConfigureAwait(false);
            var size = ImageHeader.TryReadSize(data, out var read) ? read : (ImageSize?)null;
            images.Add(new GeneratedImage { Data = data, MediaType = mediaType, Width = size?.Width, Height = size?.Height });
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
        bool interrupted = false;
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

                interrupted |= kind == "execution_interrupted";
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
        if (failed && error is null && interrupted)
        {
            // execution.py handle_execution_error: an interrupt is recorded as status "error" with execution_interrupted.
            return new ImageJob { Provider = ProviderName, Id = jobId, Status = ImageJobStatus.Canceled, RawRepresentation = outputs };
        }

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


    private async Task<ImageJob?> HistoryAsync(Uri server, string jobId, string promptId, CancellationToken cancellationToken)
    {
        using var history = await ReadJsonAsync(Request(HttpMethod.Get, new Uri(server, "history/" + Uri.EscapeDataString(promptId))), cancellationToken).ConfigureAwait(false);
        return history.RootElement.ValueKind == JsonValueKind.Object && history.RootElement.TryGetProperty(promptId, out var entry) ? Finished(jobId, promptId, entry) : null;
    }

    private Task<JsonDocument> QueueAsync(Uri server, CancellationToken cancellationToken) =>
        ReadJsonAsync(Request(HttpMethod.Get, new Uri(server, "queue")), cancellationToken);

    private async Task PostAsync(Uri server, string path, JsonObject body, CancellationToken cancellationToken)
    {
        using var message = Request(HttpMethod.Post, new Uri(server, path));
        message.Content = Json(body);
        ImageGenerationResilienceHandler.MarkIdempotent(message);
        using var response = await _transport.SendAsync(message, null, cancellationToken).ConfigureAwait(false);
    }

    // A queue item is [number, prompt_id, prompt, extra_data, outputs_to_execute] (server.py get_queue).
    private static bool IsPrompt(JsonElement item, string promptId) =>
        item.ValueKind == JsonValueKind.Array && item.GetArrayLength() > 1 && item[1].ValueKind == JsonValueKind.String && item[1].GetString() == promptId;

    // Asks /object_info/{class} (server.py get_object_info_node) for every node of the workflow and lists every node
    // class the server lacks and every combo value (a model file, a sampler, a CLIP type) not among its choices.
    private async Task PreflightAsync(Uri server, JsonObject graph, string model, string?[] uploaded, CancellationToken cancellationToken)
    {
        var missing = new List<string>();
        bool missingFile = false, missingNode = false;
        foreach (var (id, node) in graph)
        {
            if (node?["class_type"]?.GetValue<string>() is not { } classType)
            {
                continue;
            }

            var info = await NodeInfoAsync(server, classType, cancellationToken).ConfigureAwait(false);
            if (info is not { } known)
            {
                continue; // the server could not say: POST /prompt validates anyway
            }

            if (known.ValueKind != JsonValueKind.Object)
            {
                missing.Add($"node {id}: class {classType} is not installed (a custom node?)");
                missingNode = true;
                continue;
            }

            foreach (var (input, value) in node["inputs"] as JsonObject ?? [])
            {
                if (value is JsonValue v && v.TryGetValue(out string? chosen) && !uploaded.Contains(chosen) && Choices(known, input) is { } choices && !choices.Contains(chosen))
                {
                    missing.Add($"node {id} ({classType}): {input} '{chosen}' is not on the server{(choices.Count is > 0 and <= 10 ? " (it has: " + string.Join(", ", choices) + ")" : "")}");
                    missingFile |= classType.Contains("Loader", StringComparison.Ordinal);
                }
            }
        }

        if (missing.Count > 0)
        {
            throw new ImageGenerationException(missingFile ? ImageGenerationErrorKind.ModelNotFound : ImageGenerationErrorKind.InvalidRequest, $"The ComfyUI server {server.GetLeftPart(UriPartial.Authority)} cannot run the '{model}' workflow: {Shorten(string.Join("; ", missing))}. {(missingFile || missingNode ? "Install what is missing (models go under ComfyUI/models), or point the options' file names at what the server has. " : "")}Set ComfyUIImageGeneratorOptions.Preflight = false to skip this check.")
            {
                Provider = ProviderName,
                Model = model,
            };
        }
    }

    // The server's node description, an Undefined element when it has no such class, or null when it could not say.
    private async Task<JsonElement?> NodeInfoAsync(Uri server, string classType, CancellationToken cancellationToken)
    {
        string key = server.AbsoluteUri + "\n" + classType;
        var now = TimeProvider.GetUtcNow();
        if (_nodeInfo.TryGetValue(key, out var cached) && cached.Expires > now)
        {
            return cached.Info;
        }

        try
        {
            using var answer = await ReadJsonAsync(Request(HttpMethod.Get, new Uri(server, "object_info/" + Uri.EscapeDataString(classType))), cancellationToken).ConfigureAwait(false);
            JsonElement? info = answer.RootElement.ValueKind == JsonValueKind.Object && answer.RootElement.TryGetProperty(classType, out var node) ? node.Clone() : default(JsonElement);
            _nodeInfo[key] = (now + _options.PreflightCacheDuration, info);
            return info;
        }
        catch (ImageGenerationException)
        {
            return null; // a proxy without the route, a server that is busy: not a reason to refuse the job
        }
    }

    // A combo input is [[choices...], {options}] (V1 nodes) or ["COMBO", {"options": [...]}] (newer nodes). Uploads
    // (image_upload) are skipped: the cached list would not hold a file uploaded since.
    private static List<string>? Choices(JsonElement info, string input)
    {
        if (!info.TryGetProperty("input", out var sections) || sections.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        foreach (var section in sections.EnumerateObject())
        {
            if (section.Value.ValueKind != JsonValueKind.Object || !section.Value.TryGetProperty(input, out var spec) || spec.ValueKind != JsonValueKind.Array || spec.GetArrayLength() == 0)
            {
                continue;
            }

            var settings = spec.GetArrayLength() > 1 && spec[1].ValueKind == JsonValueKind.Object ? spec[1] : default;
            if (settings.ValueKind == JsonValueKind.Object && settings.TryGetProperty("image_upload", out var upload) && upload.ValueKind == JsonValueKind.True)
            {
                return null;
            }

            var list = spec[0].ValueKind == JsonValueKind.Array ? spec[0]
                : spec[0].ValueKind == JsonValueKind.String && spec[0].GetString() == "COMBO" && settings.ValueKind == JsonValueKind.Object && settings.TryGetProperty("options", out var options) && options.ValueKind == JsonValueKind.Array ? options
                : default;
            return list.ValueKind == JsonValueKind.Array ? list.EnumerateArray().Where(c => c.ValueKind == JsonValueKind.String).Select(c => c.GetString()!).ToList() : null;
        }

        return null;
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
