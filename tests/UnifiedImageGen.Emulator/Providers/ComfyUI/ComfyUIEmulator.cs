using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using UnifiedImageGen.Emulator.Faults;

namespace UnifiedImageGen.Emulator.Providers.ComfyUI;

/// <summary>
/// A self-hosted ComfyUI server: <c>POST /prompt</c> (an API-format workflow ending in a <c>SaveImage</c> node) answers
/// <c>{prompt_id, number, node_errors}</c>; <c>GET /history/{id}</c> is <c>{}</c> until the prompt finished, then its
/// outputs and status messages; <c>GET /queue</c> lists running and pending prompts; <c>GET /view</c> serves an output's
/// bytes; <c>GET /object_info/{class}</c> describes a node (no combo choices here, so every file name passes the SDK's
/// preflight). Cancelling is <c>POST /queue {"delete": [id]}</c>, then <c>GET /queue</c>, then
/// <c>POST /interrupt {"prompt_id": id}</c> only if the prompt is in <c>queue_running</c>; an interrupt without a
/// prompt_id stops every running prompt, as older servers do with any body. No <c>/ws</c>: the SDK's
/// progress socket fails to connect and it finishes by polling alone. Errors come from aiohttp (plain text) or a proxy
/// in front of it; a self-hosted server has no content policy and no credits.
/// </summary>
public sealed class ComfyUIEmulator() : EmulatedProvider("comfyui")
{
    /// <summary>Execution time the history reports (from <c>execution_start</c> to <c>execution_success</c>).</summary>
    public const double ExecutionSeconds = 4.1;

    private int _number;

    /// <inheritdoc/>
    protected internal override void Map(IEndpointRouteBuilder routes)
    {
        routes.MapPost("/comfyui/prompt", Submit);
        routes.MapGet("/comfyui/history/{id}", (HttpContext context, string id) => ExchangeAsync(context, EmulatedOperation.Poll, _ => Task.FromResult(History(id))));
        routes.MapGet("/comfyui/queue", ReadQueue);
        routes.MapPost("/comfyui/queue", Delete);
        routes.MapPost("/comfyui/interrupt", Interrupt);
        routes.MapGet("/comfyui/view", ViewFile);

        // Not billable and never faulted: a node description (server.py get_object_info_node) without combos.
        routes.MapGet("/comfyui/object_info/{nodeClass}", (string nodeClass) => Results.Text(
            new JsonObject { [nodeClass] = new JsonObject { ["input"] = new JsonObject { ["required"] = new JsonObject() }, ["name"] = nodeClass } }.ToJsonString(), "application/json"));
    }

    private Task Submit(HttpContext context) => ExchangeAsync(context, EmulatedOperation.Submit, fault => SubmitAsync(context, fault));

    // A status read too: the SDK asks the queue when the history does not have the prompt yet.
    private Task ReadQueue(HttpContext context) => ExchangeAsync(context, EmulatedOperation.Poll, _ => Task.FromResult(Queue()));

    private Task Delete(HttpContext context) => ExchangeAsync(context, EmulatedOperation.Cancel, _ => DeleteAsync(context));

    private Task Interrupt(HttpContext context) => ExchangeAsync(context, EmulatedOperation.Cancel, _ => InterruptAsync(context));

    private Task ViewFile(HttpContext context) => ExchangeAsync(context, EmulatedOperation.Download, _ => Task.FromResult(View(context.Request.Query["filename"].ToString())));

    /// <inheritdoc/>
    protected override EmulatedResponse ErrorBody(int status) => status switch
    {
        429 => EmulatedResponse.Text(429, "text/plain; charset=utf-8", "429: Too Many Requests"),
        503 => EmulatedResponse.Text(503, "text/plain; charset=utf-8", "503: Service Unavailable"),
        _ => EmulatedResponse.Text(status, "text/plain; charset=utf-8", $"{status} Internal Server Error\n\nServer got itself in trouble"),
    };

    /// <inheritdoc/>
    protected internal override void Reset()
    {
        base.Reset();
        Interlocked.Exchange(ref _number, 0);
    }

    private static EmulatedResponse Empty() => new(200, "text/plain; charset=utf-8", []);

    private async Task<EmulatedResponse> SubmitAsync(HttpContext context, FaultKind? fault)
    {
        var body = await ReadJsonAsync(context.Request).ConfigureAwait(false);
        if (body["prompt"] is not JsonObject graph || graph.Count == 0)
        {
            return EmulatedResponse.Json(400, """{"error":{"type":"no_prompt","message":"No prompt provided","details":"","extra_info":{}},"node_errors":{}}""");
        }

        var nodes = graph.Select(n => n.Value as JsonObject).OfType<JsonObject>().ToArray();
        if (!nodes.Any(n => n["class_type"]?.GetValue<string>() == "SaveImage"))
        {
            return EmulatedResponse.Json(400, """{"error":{"type":"prompt_no_outputs","message":"Prompt has no outputs","details":"","extra_info":{}},"node_errors":{}}""");
        }

        int count = nodes.Select(n => n["inputs"]?["batch_size"]).OfType<JsonValue>().Select(v => v.TryGetValue(out int n) ? n : 1).DefaultIfEmpty(1).First();
        var job = new EmulatedJob(Guid.NewGuid().ToString(), "workflow", count) { NeverFinishes = fault == FaultKind.NeverFinishes };
        Jobs[job.Id] = job;
        return EmulatedResponse.Json(200, new JsonObject { ["prompt_id"] = job.Id, ["number"] = Interlocked.Increment(ref _number), ["node_errors"] = new JsonObject() });
    }

    private EmulatedResponse History(string id)
    {
        if (!Jobs.TryGetValue(id, out var job))
        {
            return EmulatedResponse.Json(200, "{}");
        }

        var state = job.Advance(HostImages);
        if (state == EmulatedJobState.Pending)
        {
            return EmulatedResponse.Json(200, "{}");
        }

        bool succeeded = state == EmulatedJobState.Succeeded;
        var messages = new JsonArray(
            new JsonArray("execution_start", new JsonObject { ["prompt_id"] = id, ["timestamp"] = 1763812800000L }),
            succeeded
                ? new JsonArray("execution_success", new JsonObject { ["prompt_id"] = id, ["timestamp"] = 1763812800000L + (long)(ExecutionSeconds * 1000) })
                : new JsonArray("execution_interrupted", new JsonObject { ["prompt_id"] = id, ["node_id"] = "6", ["node_type"] = "KSampler", ["executed"] = new JsonArray(), ["timestamp"] = 1763812801000L }));
        var images = new JsonArray(job.ImageUrls.Select(url => (JsonNode)new JsonObject { ["filename"] = url[(url.LastIndexOf('/') + 1)..], ["subfolder"] = "", ["type"] = "output" }).ToArray());
        var entry = new JsonObject
        {
            ["prompt"] = new JsonArray(1, id, new JsonObject(), new JsonObject(), new JsonArray("8")),
            ["outputs"] = succeeded ? new JsonObject { ["8"] = new JsonObject { ["images"] = images } } : new JsonObject(),
            ["status"] = new JsonObject { ["status_str"] = succeeded ? "success" : "error", ["completed"] = succeeded, ["messages"] = messages },
            ["meta"] = new JsonObject(),
        };
        return EmulatedResponse.Json(200, new JsonObject { [id] = entry });
    }

    private EmulatedResponse Queue()
    {
        // Accepted prompts run at once here: none waits behind another.
        var running = Jobs.Values.Where(j => j.State == EmulatedJobState.Pending)
            .Select((j, i) => (JsonNode)new JsonArray(i + 1, j.Id, new JsonObject(), new JsonObject(), new JsonArray("8"))).ToArray();
        return EmulatedResponse.Json(200, new JsonObject { ["queue_running"] = new JsonArray(running), ["queue_pending"] = new JsonArray() });
    }

    // Every accepted prompt runs at once here, so none waits in the queue to be deleted: only the interrupt stops it.
    private static async Task<EmulatedResponse> DeleteAsync(HttpContext context)
    {
        var body = await ReadJsonAsync(context.Request).ConfigureAwait(false);
        return body["delete"] is JsonArray || body["clear"] is not null
            ? Empty()
            : EmulatedResponse.Text(400, "text/plain; charset=utf-8", "400: Bad Request");
    }

    // Current server.py post_interrupt: a prompt_id stops that prompt only if it runs (here: every unfinished one runs).
    private async Task<EmulatedResponse> InterruptAsync(HttpContext context)
    {
        var body = await ReadJsonAsync(context.Request).ConfigureAwait(false);
        if (body["prompt_id"]?.GetValue<string>() is { } id && Jobs.TryGetValue(id, out var job) && job.State == EmulatedJobState.Pending)
        {
            job.Cancel();
        }
        else if (body["prompt_id"] is null)
        {
            foreach (var running in Jobs.Values)
            {
                running.Cancel();
            }
        }

        return Empty();
    }

    private EmulatedResponse View(string filename) =>
        Host.Images.TryGet(Name + "/" + filename, out var data)
            ? new EmulatedResponse(200, "image/png", data) { Images = [data] }
            : EmulatedResponse.Text(404, "text/plain; charset=utf-8", "404: Not Found");
}
