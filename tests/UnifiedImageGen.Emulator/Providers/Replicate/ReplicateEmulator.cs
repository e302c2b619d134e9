using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using UnifiedImageGen.Emulator.Faults;

namespace UnifiedImageGen.Emulator.Providers.Replicate;

/// <summary>
/// Replicate predictions: <c>POST /v1/models/{owner}/{name}/predictions</c> (201, status <c>starting</c>),
/// <c>GET /v1/predictions/{id}</c>, <c>POST /v1/predictions/{id}/cancel</c>. Outputs are URLs on the emulator (or
/// <c>data:</c> URIs). A refused prompt is a <c>failed</c> prediction with an NSFW error; errors are problem details.
/// </summary>
public sealed class ReplicateEmulator() : EmulatedProvider("replicate")
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, bool> _invalidOutputs = new(StringComparer.Ordinal);

    /// <inheritdoc/>
    public override string EndpointPath => "replicate/v1/";

    /// <inheritdoc/>
    protected internal override void Map(IEndpointRouteBuilder routes)
    {
        routes.MapPost("/replicate/v1/models/{owner}/{name}/predictions", (HttpContext context, string owner, string name) => ExchangeAsync(context, EmulatedOperation.Submit, fault => CreateAsync(context, owner + "/" + name, fault)));
        routes.MapGet("/replicate/v1/predictions/{id}", (HttpContext context, string id) => ExchangeAsync(context, EmulatedOperation.Poll, _ => Task.FromResult(Read(id, advance: true))));
        routes.MapPost("/replicate/v1/predictions/{id}/cancel", (HttpContext context, string id) => ExchangeAsync(context, EmulatedOperation.Cancel, _ =>
        {
            Jobs.TryGetValue(id, out var job);
            job?.Cancel();
            return Task.FromResult(Read(id, advance: false));
        }));
    }

    /// <inheritdoc/>
    protected override EmulatedResponse ErrorBody(int status) => status == 429
        ? EmulatedResponse.Json(429, """{"detail":"Request was throttled. Your rate limit resets in ~1s.","status":429}""")
        : EmulatedResponse.Json(status, new JsonObject { ["title"] = "Internal Server Error", ["detail"] = "Something went wrong on our end. Please try again.", ["status"] = status });

    private async Task<EmulatedResponse> CreateAsync(HttpContext context, string model, FaultKind? fault)
    {
        var body = await ReadJsonAsync(context.Request).ConfigureAwait(false);
        if (body["input"] is not JsonObject input || input["prompt"] is null)
        {
            return EmulatedResponse.Json(422, """{"title":"Input validation failed","detail":"- input: prompt is required","status":422,"invalid_fields":[{"type":"required","field":"input","description":"prompt is required"}]}""");
        }

        if (fault == FaultKind.InsufficientCredits)
        {
            return EmulatedResponse.Json(402, """{"title":"Billing required","detail":"You need to set up billing to run this model. Go to https://replicate.com/account/billing#billing and set up billing.","status":402}""");
        }

        int count = input["num_outputs"]?.GetValue<int>() ?? 1;
        var job = new EmulatedJob(NewId("rp"), model, count)
        {
            NeverFinishes = fault == FaultKind.NeverFinishes,
            Refusal = fault == FaultKind.ContentPolicy ? "NSFW content detected. Try running it again, or try a different prompt." : null,
        };
        Jobs[job.Id] = job;
        _invalidOutputs[job.Id] = fault == FaultKind.InvalidBase64;
        return Prediction(job, 201);
    }


    private EmulatedResponse Read(string id, bool advance)
    {
        if (!Jobs.TryGetValue(id, out var job))
        {
            return EmulatedResponse.Json(404, """{"title":"Not found","detail":"The requested resource could not be found.","status":404}""");
        }

        if (advance)
        {
            job.Advance(HostOutputs);
        }

        return Prediction(job, 200);
    }

    // Replicate outputs are file URLs; a model run with data outputs answers data: URIs instead.
    private IReadOnlyList<string> HostOutputs(EmulatedJob job) => _invalidOutputs.TryGetValue(job.Id, out bool invalid) && invalid
        ? Enumerable.Range(0, job.Count).Select(_ => "data:image/png;base64," + InvalidBase64).ToArray()
        : HostImages(job);

    private EmulatedResponse Prediction(EmulatedJob job, int status)
    {
        string state = job.State switch
        {
            EmulatedJobState.Succeeded => "succeeded",
            EmulatedJobState.Failed => "failed",
            EmulatedJobState.Canceled => "canceled",
            _ => job.Polls == 0 ? "starting" : "processing",
        };
        var prediction = new JsonObject
        {
            ["id"] = job.Id,
            ["model"] = job.Model,
            ["version"] = "hidden",
            ["input"] = new JsonObject { ["prompt"] = "(prompt)" },
            ["logs"] = job.Polls == 0 ? "" : "Using seed: 1234\n 50%|█████     | 2/4 [00:00<00:00, 7.1it/s]",
            ["output"] = job.State == EmulatedJobState.Succeeded ? new JsonArray(job.ImageUrls.Select(u => (JsonNode)JsonValue.Create(u)!).ToArray()) : null,
            ["error"] = job.State == EmulatedJobState.Failed ? job.Refusal : null,
            ["status"] = state,
            ["source"] = "api",
            ["data_removed"] = false,
            ["created_at"] = "2026-11-22T12:00:00.000Z",
            ["urls"] = new JsonObject
            {
                ["get"] = Url("replicate/v1/predictions/" + job.Id),
                ["cancel"] = Url("replicate/v1/predictions/" + job.Id + "/cancel"),
                ["web"] = "https://replicate.com/p/" + job.Id,
            },
            ["metrics"] = job.State == EmulatedJobState.Succeeded ? new JsonObject { ["predict_time"] = 1.2, ["total_time"] = 1.9 } : new JsonObject(),
        };
        return EmulatedResponse.Json(status, prediction);
    }

    /// <inheritdoc/>
    protected internal override void Reset()
    {
        base.Reset();
        _invalidOutputs.Clear();
    }
}
