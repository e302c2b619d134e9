using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using UnifiedImageGen.Emulator.Faults;

namespace UnifiedImageGen.Emulator.Providers.Fal;

/// <summary>
/// fal's queue: <c>POST /{endpoint}</c> answers <c>{request_id, response_url, status_url, cancel_url}</c> whose URLs
/// drop the endpoint's sub-path (<c>/{owner}/{alias}/requests/{id}</c>); status reads go IN_QUEUE, IN_PROGRESS,
/// COMPLETED (with <c>error</c>/<c>error_type</c> when the safety checker refused); the result is the model output
/// with image URLs; cancel is a PUT. Errors are <c>{"detail": ...}</c>.
/// </summary>
public sealed class FalEmulator() : EmulatedProvider("fal")
{
    private readonly ConcurrentDictionary<string, bool> _invalidOutputs = new(StringComparer.Ordinal);

    /// <inheritdoc/>
    protected internal override void Map(IEndpointRouteBuilder routes)
    {
        routes.MapPost("/fal/{**endpoint}", (HttpContext context, string endpoint) => ExchangeAsync(context, EmulatedOperation.Submit, fault => SubmitAsync(context, endpoint, fault)));
        routes.MapGet("/fal/{owner}/{alias}/requests/{id}/status", (HttpContext context, string owner, string alias, string id) => ExchangeAsync(context, EmulatedOperation.Poll, _ => Task.FromResult(Status(owner + "/" + alias, id))));
        routes.MapGet("/fal/{owner}/{alias}/requests/{id}", (HttpContext context, string owner, string alias, string id) => ExchangeAsync(context, EmulatedOperation.Result, _ => Task.FromResult(Result(id))));
        routes.MapPut("/fal/{owner}/{alias}/requests/{id}/cancel", (HttpContext context, string owner, string alias, string id) => ExchangeAsync(context, EmulatedOperation.Cancel, _ =>
        {
            if (!Jobs.TryGetValue(id, out var job))
            {
                return Task.FromResult(EmulatedResponse.Json(404, """{"detail":"Request not found"}"""));
            }

            return Task.FromResult(job.Cancel() == EmulatedJobState.Canceled
                ? EmulatedResponse.Json(202, """{"status":"CANCELLATION_REQUESTED"}""")
                : EmulatedResponse.Json(400, """{"status":"ALREADY_COMPLETED"}"""));
        }));
    }

    /// <inheritdoc/>
    protected override EmulatedResponse ErrorBody(int status) => status == 429
        ? EmulatedResponse.Json(429, """{"detail":"Too many requests. Please slow down."}""")
        : EmulatedResponse.Json(status, """{"detail":"Internal Server Error"}""");

    /// <inheritdoc/>
    protected internal override void Reset()
    {
        base.Reset();
        _invalidOutputs.Clear();
    }

    private async Task<EmulatedResponse> SubmitAsync(HttpContext context, string endpoint, FaultKind? fault)
    {
        if (!context.Request.Headers.Authorization.ToString().StartsWith("Key ", StringComparison.Ordinal))
        {
            return EmulatedResponse.Json(401, """{"detail":"Authentication is required to access this resource."}""");
        }

        var input = await ReadJsonAsync(context.Request).ConfigureAwait(false);
        if (input["prompt"] is null)
        {
            return EmulatedResponse.Json(422, """{"detail":[{"loc":["body","prompt"],"msg":"field required","type":"value_error.missing"}]}""");
        }

        if (fault == FaultKind.InsufficientCredits)
        {
            return EmulatedResponse.Json(403, """{"detail":"User is locked. Reason: Exhausted balance. Top up your balance at fal.ai/dashboard/billing."}""");
        }

        var segments = endpoint.Split('/');
        string app = segments.Length >= 2 ? segments[0] + "/" + segments[1] : endpoint;
        var job = new EmulatedJob(Guid.NewGuid().ToString(), endpoint, input["num_images"]?.GetValue<int>() ?? 1)
        {
            NeverFinishes = fault == FaultKind.NeverFinishes,
            Refusal = fault == FaultKind.ContentPolicy ? "The content could not be processed because it contained material flagged by a content checker." : null,
        };
        Jobs[job.Id] = job;
        _invalidOutputs[job.Id] = fault == FaultKind.InvalidBase64;
        string responseUrl = Url($"fal/{app}/requests/{job.Id}");
        return EmulatedResponse.Json(200, new JsonObject
        {
            ["request_id"] = job.Id,
            ["response_url"] = responseUrl,
            ["status_url"] = responseUrl + "/status",
            ["cancel_url"] = responseUrl + "/cancel",
            ["queue_position"] = 0,
        }).WithHeader("x-fal-request-id", job.Id);
    }

    private EmulatedResponse Status(string app, string id)
    {
        if (!Jobs.TryGetValue(id, out var job))
        {
            return EmulatedResponse.Json(404, """{"detail":"Request not found"}""");
        }

        var state = job.Advance(HostOutputs);
        string responseUrl = Url($"fal/{app}/requests/{id}");
        var status = new JsonObject
        {
            ["status"] = state switch
            {
                EmulatedJobState.Pending => job.Polls <= 1 ? "IN_QUEUE" : "IN_PROGRESS",
                EmulatedJobState.Canceled => "CANCELLED",
                _ => "COMPLETED",
            },
            ["request_id"] = id,
            ["response_url"] = responseUrl,
            ["status_url"] = responseUrl + "/status",
            ["cancel_url"] = responseUrl + "/cancel",
            ["logs"] = new JsonArray(new JsonObject { ["message"] = "Generating 1/1", ["level"] = "INFO", ["source"] = "USER", ["timestamp"] = "2026-11-22T12:00:01Z" }),
        };
        if (state == EmulatedJobState.Pending && job.Polls <= 1)
        {
            status["queue_position"] = 0;
        }

        if (state == EmulatedJobState.Succeeded)
        {
            status["metrics"] = new JsonObject { ["inference_time"] = 0.42 };
        }

        if (state == EmulatedJobState.Failed)
        {
            status["error"] = job.Refusal;
            status["error_type"] = "content_policy_violation";
        }

        return EmulatedResponse.Json(200, status);
    }

    // With sync_mode fal answers data: URIs instead of CDN URLs.
    private IReadOnlyList<string> HostOutputs(EmulatedJob job) => _invalidOutputs.TryGetValue(job.Id, out bool invalid) && invalid
        ? Enumerable.Range(0, job.Count).Select(_ => "data:image/png;base64," + InvalidBase64).ToArray()
        : HostImages(job);

    private EmulatedResponse Result(string id)
    {
        if (!Jobs.TryGetValue(id, out var job))
        {
            return EmulatedResponse.Json(404, """{"detail":"Request not found"}""");
        }

        if (job.State != EmulatedJobState.Succeeded)
        {
            return EmulatedResponse.Json(400, """{"detail":"Request is still in progress"}""");
        }

        return EmulatedResponse.Json(200, new JsonObject
        {
            ["images"] = new JsonArray(job.ImageUrls.Select(url => (JsonNode)new JsonObject { ["url"] = url, ["width"] = 16, ["height"] = 16, ["content_type"] = "image/png" }).ToArray()),
            ["timings"] = new JsonObject { ["inference"] = 0.42 },
            ["seed"] = 1234,
            ["has_nsfw_concepts"] = new JsonArray(job.ImageUrls.Select(_ => (JsonNode)JsonValue.Create(false)).ToArray()),
            ["prompt"] = "(prompt)",
        });
    }
}
