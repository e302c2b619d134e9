using System.Collections.Concurrent;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using UnifiedImageGen.Imaging;

namespace UnifiedImageGen.ComfyUI.Tests;

/// <summary>
/// A loopback ComfyUI that speaks the protocol the generator uses: /queue, /upload/image, /prompt, /history/{id},
/// /view, /interrupt, /object_info/{class} and the /ws WebSocket (execution_start and progress messages for the
/// submitting client). Prompts run at once unless <see cref="HoldInQueue"/>; /interrupt behaves like the current
/// server.py (only the prompt_id named, if it runs) or, with <see cref="OldInterrupt"/>, like older ones (whatever runs).
/// </summary>
internal sealed class FakeComfyUIServer : IAsyncDisposable
{
    public static readonly byte[] Png = PngEncoder.Encode(new byte[20 * 10 * 4], 20, 10);

    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, WebSocket> _sockets = new();
    private readonly ConcurrentDictionary<string, int> _historyPolls = new();
    private readonly ConcurrentDictionary<string, ConcurrentQueue<string>> _undelivered = new();
    private readonly ConcurrentDictionary<string, string> _state = new(); // pending, running, interrupted, deleted
    private int _prompts;
    private int _queueReads;

    private FakeComfyUIServer(WebApplication app) => _app = app;

    public Uri Address { get; private set; } = null!;

    public ConcurrentQueue<(string Path, string Body)> Requests { get; } = new();

    public ConcurrentQueue<JsonObject> Submitted { get; } = new();

    /// <summary>How many prompts /queue reports as waiting (for least-busy selection).</summary>
    public int Load { get; set; }

    /// <summary>History polls before a prompt shows as finished; int.MaxValue never finishes.</summary>
    public int PollsUntilDone { get; set; } = 2;

    public string? ExecutionError { get; set; }

    /// <summary>New prompts wait in queue_pending (behind a busy GPU) instead of running at once.</summary>
    public bool HoldInQueue { get; set; }

    /// <summary>Another client's prompt is running.</summary>
    public bool ForeignRunning { get; set; }

    /// <summary>/interrupt ignores its body and stops whatever runs (server.py before targeted interrupts).</summary>
    public bool OldInterrupt { get; set; }

    /// <summary>Whether an interrupt stopped the other client's prompt.</summary>
    public bool ForeignInterrupted { get; private set; }

    /// <summary>Combo choices /object_info reports, keyed "Class.input"; classes not listed have no combos.</summary>
    public ConcurrentDictionary<string, string[]> Choices { get; } = new();

    /// <summary>Node classes /object_info does not know (answers {}).</summary>
    public HashSet<string> MissingClasses { get; } = ["Broken"];

    public string? StateOf(string id) => _state.TryGetValue(id, out var state) ? state : null;

    public void StartRunning(string id) => _state[id] = "running";

    /// <summary>A 400 body /prompt answers with (execution.py validate_prompt's refusal).</summary>
    public string? RejectWith { get; set; }

    public int QueueReads => _queueReads;

    public int HistoryPolls => _historyPolls.Values.Sum();

    public static async Task<FakeComfyUIServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var server = new FakeComfyUIServer(app);
        server.Map(app);
        await app.StartAsync();
        server.Address = new Uri(app.Urls.First() + "/");
        return server;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private void Map(WebApplication app)
    {
        app.UseWebSockets();
        app.Map("/ws", async context =>
        {
            string client = context.Request.Query["clientId"].ToString();
            using var socket = await context.WebSockets.AcceptWebSocketAsync();
            _sockets[client] = socket;

            // Messages for prompts queued before this client's socket connected.
            if (_undelivered.TryRemove(client, out var pending))
            {
                foreach (var text in pending)
                {
                    await Send(socket, text);
                }
            }

            var buffer = new byte[1024];
            while (socket.State == WebSocketState.Open)
            {
                try
                {
                    var read = await socket.ReceiveAsync(buffer, context.RequestAborted);
                    if (read.MessageType == WebSocketMessageType.Close)
                    {
                        break;
                    }
                }
                catch (Exception)
                {
                    break;
                }
            }
        });
        app.MapGet("/queue", () =>
        {
            Interlocked.Increment(ref _queueReads);
            static JsonArray Item(int number, string id) => new(number, id, new JsonObject(), new JsonObject(), new JsonArray());
            var running = new JsonArray(_state.Where(p => p.Value == "running").Select(p => (JsonNode)Item(0, p.Key)).ToArray());
            if (ForeignRunning)
            {
                running.Add(Item(0, "foreign"));
            }

            var pending = new JsonArray(Enumerable.Range(0, Load).Select(i => (JsonNode)Item(i + 1, "other-" + i)).ToArray());
            foreach (var id in _state.Where(p => p.Value == "pending").Select(p => p.Key))
            {
                pending.Add(Item(pending.Count + 1, id));
            }

            return Results.Text(new JsonObject { ["queue_running"] = running, ["queue_pending"] = pending }.ToJsonString(), "application/json");
        });
        app.MapPost("/queue", async (HttpRequest request) =>
        {
            string body = await Body(request);
            foreach (var id in JsonNode.Parse(body)?["delete"]?.AsArray().Select(n => n!.GetValue<string>()) ?? [])
            {
                _state.TryUpdate(id, "deleted", "pending"); // server.py post_queue: only waiting prompts are deleted
            }

            return Record("/queue", body);
        });
        app.MapPost("/interrupt", async (HttpRequest request) =>
        {
            string body = await Body(request);
            string? target = body.Length > 0 ? JsonNode.Parse(body)?["prompt_id"]?.GetValue<string>() : null;
            foreach (var (id, state) in _state)
            {
                if (state == "running" && (OldInterrupt || target is null || target == id))
                {
                    _state[id] = "interrupted";
                }
            }

            ForeignInterrupted |= ForeignRunning && (OldInterrupt || target is null);
            return Record("/interrupt", body);
        });
        app.MapGet("/object_info/{cls}", (string cls) =>
        {
            Requests.Enqueue(("/object_info", cls));
            if (MissingClasses.Contains(cls))
            {
                return Results.Text("{}", "application/json");
            }

            var required = new JsonObject();
            foreach (var (key, choices) in Choices.Where(c => c.Key.StartsWith(cls + ".", StringComparison.Ordinal)))
            {
                required[key[(cls.Length + 1)..]] = new JsonArray(new JsonArray(choices.Select(c => (JsonNode)c!).ToArray()), new JsonObject());
            }

            return Results.Text(new JsonObject { [cls] = new JsonObject { ["input"] = new JsonObject { ["required"] = required }, ["name"] = cls } }.ToJsonString(), "application/json");
        });
        app.MapPost("/upload/image", async (HttpRequest request) =>
        {
            var form = await request.ReadFormAsync();
            var file = form.Files["image"]!;
            Requests.Enqueue(("/upload/image", $"{file.FileName}|{file.ContentType}|{form["overwrite"]}|{form["type"]}"));
            return Results.Text($$"""{"name":"{{file.FileName}}","subfolder":"","type":"input"}""", "application/json");
        });
        app.MapPost("/prompt", async (HttpRequest request) =>
        {
            var body = JsonNode.Parse(await Body(request))!.AsObject();
            Submitted.Enqueue(body);
            var graph = body["prompt"]!.AsObject();
            if (RejectWith is { } rejection)
            {
                return Results.Text(rejection, "application/json", statusCode: 400);
            }

            if (graph.Any(n => n.Value?["class_type"]?.GetValue<string>() == "Broken"))
            {
                return Results.Text("""{"error":{"type":"prompt_outputs_failed_validation","message":"Prompt outputs failed validation","details":""},"node_errors":{"3":{"errors":[{"type":"value_not_in_list","message":"Value not in list","details":"ckpt_name: 'missing.safetensors' not in []"}],"class_type":"Broken"}}}""", "application/json", statusCode: 400);
            }

            string id = "prompt-" + Interlocked.Increment(ref _prompts);
            _state[id] = HoldInQueue ? "pending" : "running";
            string client = body["client_id"]!.GetValue<string>();
            string[] messages =
            [
                "{\"type\":\"execution_start\",\"data\":{\"prompt_id\":\"" + id + "\",\"timestamp\":1000}}",
                "{\"type\":\"progress\",\"data\":{\"value\":10,\"max\":20,\"prompt_id\":\"" + id + "\",\"node\":\"6\"}}",
            ];
            if (_sockets.TryGetValue(client, out var socket))
            {
                foreach (var text in messages)
                {
                    await Send(socket, text);
                }
            }
            else
            {
                var queue = _undelivered.GetOrAdd(client, _ => new ConcurrentQueue<string>());
                foreach (var text in messages)
                {
                    queue.Enqueue(text);
                }
            }

            return Results.Text("{\"prompt_id\":\"" + id + "\",\"number\":1,\"node_errors\":{}}", "application/json");
        });
        app.MapGet("/history/{id}", (string id) =>
        {
            if (StateOf(id) is "pending" or "deleted")
            {
                return Results.Text("{}", "application/json"); // a deleted prompt never reaches the history
            }

            if (StateOf(id) == "interrupted")
            {
                var stopped = new JsonArray(
                    new JsonArray("execution_start", new JsonObject { ["prompt_id"] = id, ["timestamp"] = 1000 }),
                    new JsonArray("execution_interrupted", new JsonObject { ["prompt_id"] = id, ["node_id"] = "6", ["node_type"] = "KSampler", ["executed"] = new JsonArray(), ["timestamp"] = 2000 }));
                return Results.Text(new JsonObject { [id] = new JsonObject { ["prompt"] = new JsonArray(), ["outputs"] = new JsonObject(), ["status"] = new JsonObject { ["status_str"] = "error", ["completed"] = false, ["messages"] = stopped } } }.ToJsonString(), "application/json");
            }

            int polls = _historyPolls.AddOrUpdate(id, 1, (_, n) => n + 1);
            if (polls < PollsUntilDone)
            {
                return Results.Text("{}", "application/json");
            }

            _state[id] = "done";

            var messages = new JsonArray(new JsonArray("execution_start", new JsonObject { ["prompt_id"] = id, ["timestamp"] = 1000 }));
            messages.Add(ExecutionError is null
                ? new JsonArray("execution_success", new JsonObject { ["prompt_id"] = id, ["timestamp"] = 13000 })
                : new JsonArray("execution_error", new JsonObject { ["prompt_id"] = id, ["exception_type"] = "torch.OutOfMemoryError", ["exception_message"] = ExecutionError, ["timestamp"] = 2000 }));
            var images = new JsonArray(
                new JsonObject { ["filename"] = "unifiedimagegen_00001_.png", ["subfolder"] = "", ["type"] = "output" },
                new JsonObject { ["filename"] = "preview.png", ["subfolder"] = "", ["type"] = "temp" });
            var entry = new JsonObject
            {
                ["prompt"] = new JsonArray(),
                ["outputs"] = new JsonObject { ["8"] = new JsonObject { ["images"] = images } },
                ["status"] = new JsonObject { ["status_str"] = ExecutionError is null ? "success" : "error", ["completed"] = true, ["messages"] = messages },
            };
            return Results.Text(new JsonObject { [id] = entry }.ToJsonString(), "application/json");
        });
        app.MapGet("/view", (HttpRequest request) =>
        {
            Requests.Enqueue(("/view", request.QueryString.Value ?? ""));
            return Results.Bytes(Png, "image/png");
        });
    }

    private IResult Record(string path, string body)
    {
        Requests.Enqueue((path, body));
        return Results.Text("{}", "application/json");
    }

    private static async Task<string> Body(HttpRequest request)
    {
        using var reader = new StreamReader(request.Body);
        return await reader.ReadToEndAsync();
    }

    private static Task Send(WebSocket socket, string text) =>
        socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, true, CancellationToken.None);
}
