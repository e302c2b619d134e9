using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using UnifiedImageGen.Emulator.Faults;

namespace UnifiedImageGen.Emulator.Providers.BlackForestLabs;

/// <summary>
/// The BFL API: <c>POST /v1/{model}</c> (<c>x-key</c>) answers <c>{id, polling_url, cost, input_mp, output_mp}</c>;
/// <c>GET {polling_url}</c> goes Pending, then Ready with a signed <c>result.sample</c> URL, or
/// <c>Request Moderated</c>. A submit with <c>webhook_url</c> answers <c>AsyncWebhookResponse {id, status,
/// webhook_url, cost, ...}</c> without <c>polling_url</c> (bfl-openapi.json); the task is then read with
/// <c>GET /v1/get_result?id=</c>. No delivery is sent: BFL documents neither its payload nor its signature.
/// Errors are FastAPI-style <c>{"detail": ...}</c>; out of credits is 402.
/// </summary>
public sealed class BlackForestLabsEmulator() : EmulatedProvider("bfl")
{
    /// <summary>Credits one image costs (1 credit = US$0.01); reported in the submit answer's <c>cost</c>.</summary>
    public const double CreditsPerImage = 4;

    /// <inheritdoc/>
    protected internal override void Map(IEndpointRouteBuilder routes)
    {
        routes.MapPost("/bfl/v1/{model}", (HttpContext context, string model) => ExchangeAsync(context, EmulatedOperation.Submit, fault => SubmitAsync(context, model, fault)));
        routes.MapGet("/bfl/v1/get_result", GetResult);
    }

    /// <inheritdoc/>
    protected override EmulatedResponse ErrorBody(int status) => status == 429
        ? EmulatedResponse.Json(429, """{"detail":"You have reached the maximum number of active tasks. Please wait for some to finish."}""")
        : EmulatedResponse.Json(status, """{"detail":"Internal Server Error"}""");

    private async Task<EmulatedResponse> SubmitAsync(HttpContext context, string model, FaultKind? fault)
    {
        if (string.IsNullOrEmpty(context.Request.Headers["x-key"]))
        {
            return EmulatedResponse.Json(403, """{"detail":"Not authenticated - Invalid Authentication"}""");
        }

        var body = await ReadJsonAsync(context.Request).ConfigureAwait(false);
        if (body["prompt"] is null && body["input_image"] is null && body["image"] is null)
        {
            return EmulatedResponse.Json(422, """{"detail":[{"loc":["body","prompt"],"msg":"Field required","type":"missing"}]}""");
        }

        if (fault == FaultKind.InsufficientCredits)
        {
            return EmulatedResponse.Json(402, """{"detail":"Insufficient credits. Please add credits at https://dashboard.bfl.ai to continue."}""");
        }

        var job = new EmulatedJob(Guid.NewGuid().ToString(), model, 1)
        {
            NeverFinishes = fault == FaultKind.NeverFinishes,
            Refusal = fault == FaultKind.ContentPolicy ? "Derivative Works Filter" : null,
        };
        Jobs[job.Id] = job;
        if (body["webhook_url"]?.GetValue<string>() is { } webhook)
        {
            return EmulatedResponse.Json(200, new JsonObject
            {
                ["id"] = job.Id,
                ["status"] = "Pending",
                ["webhook_url"] = webhook,
                ["cost"] = CreditsPerImage,
                ["input_mp"] = 0,
                ["output_mp"] = 0.0003,
            });
        }

        return EmulatedResponse.Json(200, new JsonObject
        {
            ["id"] = job.Id,
            ["polling_url"] = Url("bfl/v1/get_result?id=" + job.Id),
            ["cost"] = CreditsPerImage,
            ["input_mp"] = 0,
            ["output_mp"] = 0.0003,
        });
    }

    private Task GetResult(HttpContext context) => ExchangeAsync(context, EmulatedOperation.Poll, _ => Task.FromResult(Poll(context.Request.Query["id"].ToString())));

    private EmulatedResponse Poll(string id)
    {
        if (!Jobs.TryGetValue(id, out var job))
        {
            return EmulatedResponse.Json(200, new JsonObject { ["id"] = id, ["status"] = "Task not found", ["result"] = null });
        }

        return job.Advance(HostImages) switch
        {
            EmulatedJobState.Succeeded => EmulatedResponse.Json(200, new JsonObject
            {
                ["id"] = id,
                ["status"] = "Ready",
                ["result"] = new JsonObject { ["sample"] = job.ImageUrls[0], ["prompt"] = "(prompt)", ["seed"] = 1234, ["start_time"] = 1763812800.1, ["end_time"] = 1763812804.2, ["duration"] = 4.1 },
                ["progress"] = null,
            }),
            EmulatedJobState.Failed => EmulatedResponse.Json(200, new JsonObject
            {
                ["id"] = id,
                ["status"] = "Request Moderated",
                ["result"] = null,
                ["details"] = new JsonObject { ["Moderation Reasons"] = new JsonArray(job.Refusal) },
            }),
            _ => EmulatedResponse.Json(200, new JsonObject { ["id"] = id, ["status"] = "Pending", ["result"] = null, ["progress"] = 0.5 }),
        };
    }
}
