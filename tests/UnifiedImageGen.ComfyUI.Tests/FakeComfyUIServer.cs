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
/// /view, /interrupt and the /ws WebSocket (execution_start and progress messages for the submitting client).
/// </summary>
internal sealed class FakeComfyUIServer : IAsyncDisposable
{
    public static readonly byte[] Png = PngEncoder.Encode(new byte[20 * 10 * 4], 20, 10);

    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, WebSocket> _sockets = new();
    private readonly ConcurrentDictionary<string, int> _historyPolls = new();
    private readonly ConcurrentDictionary<string, ConcurrentQueue<string>> _undelivered = new();
    private int _prompts;

    private FakeComfyUIServer(WebApplication app) => _app = app;

    public Uri Address { get; private set; } = null!;

    public ConcurrentQueue<(string Path, string Body)> Requests { get; } = new();

    public ConcurrentQueue<JsonObject> Submitted { get; } = new();

    /// <summary>How many prompts /queue reports as waiting (for least-busy selection).</summary>
    public int Load { get; set; }

    /// <summary>History polls before a prompt shows as finished; int.MaxValue never finishes.</summary>
    public int PollsUntilDone { get; set; } = 2;

    public string? ExecutionError { get; set; }

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
        app.MapGet("/queue", () => Results.Text($$"""{"queue_running":[],"queue_pending":[{{string.Join(",", Enumerable.Range(0, Load).Select(i => $"[{i},\"other-{i}\",{{}},{{}},[]]"))}}]}""", "application/json"));
        app.MapPost("/queue", async (HttpRequest request) => Record("/queue", await Body(request)));
        app.MapPost("/interrupt", async (HttpRequest request) => Record("/interrupt", await Body(request)));
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
            if (graph.Any(n => n.Value?["class_type"]?.GetValue<string>() == "Broken"))
            {
                return Results.Text("""{"error":{"type":"prompt_outputs_failed_validation","message":"Prompt outputs failed validation","details":""},"node_errors":{"3":{"errors":[{"type":"value_not_in_list","message":"Value not in list","details":"ckpt_name: 'missing.safetensors' not in []"}],"class_type":"Broken"}}}""", "application/json", statusCode: 400);
            }

            string id = "prompt-" + Interlocked.Increment(ref _prompts);
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
            int polls = _historyPolls.AddOrUpdate(id, 1, (_, n) => n + 1);
            if (polls < PollsUntilDone)
            {
                return Results.Text("{}", "application/json");
            }

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
