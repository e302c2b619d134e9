using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using UnifiedImageGen.Emulator.Faults;

namespace UnifiedImageGen.Emulator.Providers.Leonardo;

/// <summary>
/// Leonardo.ai REST v1: <c>POST /generations</c> (<c>Authorization: Bearer</c>) answers
/// <c>{"sdGenerationJob": {generationId, apiCreditCost, cost: {amount, unit}}}</c>; v2 <c>POST /api/rest/v2/generations</c>
/// takes <c>{model, parameters: {prompt, quantity, ...}, public}</c> and answers <c>{"generate": {generationId, ...}}</c>; <c>GET /generations/{id}</c> answers
/// <c>{"generations_by_pk": {id, status: PENDING|COMPLETE|FAILED, generated_images: [{id, url, nsfw}]}}</c> with image
/// URLs the emulator serves. There is no cancel endpoint. Errors are <c>{"error", "path", "code"}</c>; a moderated
/// prompt is a 400 <c>{"error": "content moderation filter: {word}", "code": "unexpected"}</c> (Leonardo's NSFW
/// guide), an empty account 402.
/// </summary>
public sealed class LeonardoEmulator() : EmulatedProvider("leonardo")
{
    /// <summary>API credits one image costs; reported in the create answer's <c>apiCreditCost</c>.</summary>
    public const int CreditsPerImage = 8;

    /// <inheritdoc/>
    public override string EndpointPath => "leonardo/api/rest/v1/";

    /// <inheritdoc/>
    protected internal override void Map(IEndpointRouteBuilder routes)
    {
        routes.MapPost("/leonardo/api/rest/v1/generations", Create);
        routes.MapPost("/leonardo/api/rest/v2/generations", Create);
        routes.MapGet("/leonardo/api/rest/v1/generations/{id}", (HttpContext context, string id) => ExchangeAsync(context, EmulatedOperation.Poll, _ => Task.FromResult(Read(id))));
    }

    private Task Create(HttpContext context) => ExchangeAsync(context, EmulatedOperation.Submit, fault => CreateAsync(context, fault));

    /// <inheritdoc/>
    protected override EmulatedResponse ErrorBody(int status) => status == 429
        ? EmulatedResponse.Json(429, """{"error":"Too many requests, please slow down.","path":"$","code":"rate-limit"}""")
        : EmulatedResponse.Json(status, """{"error":"Internal server error","path":"$","code":"unexpected"}""");

    private async Task<EmulatedResponse> CreateAsync(HttpContext context, FaultKind? fault)
    {
        if (!context.Request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.Ordinal))
        {
            return EmulatedResponse.Json(401, """{"error":"Invalid API key","path":"$","code":"access-denied"}""");
        }

        var body = await ReadJsonAsync(context.Request).ConfigureAwait(false);
        bool v2 = context.Request.Path.Value!.Contains("/v2/", StringComparison.Ordinal);
        var parameters = v2 ? body["parameters"] as JsonObject ?? [] : body;
        if (parameters["prompt"] is null)
        {
            return EmulatedResponse.Json(400, """{"error":"Expected prompt to be a string","path":"$.prompt","code":"validation-failed"}""");
        }

        switch (fault)
        {
            case FaultKind.ContentPolicy:
                return EmulatedResponse.Json(400, """{"error":"content moderation filter: nude","path":"$","code":"unexpected"}""");
            case FaultKind.InsufficientCredits:
                return EmulatedResponse.Json(402, """{"error":"You do not have enough API tokens","path":"$","code":"unexpected"}""");
        }

        int count = parameters[v2 ? "quantity" : "num_images"]?.GetValue<int>() ?? (v2 ? 4 : 1);
        var job = new EmulatedJob(Guid.NewGuid().ToString(), body[v2 ? "model" : "modelId"]?.GetValue<string>() ?? "b24e16ff-06e3-43eb-8d33-4416c2d75876", count)
        {
            NeverFinishes = fault == FaultKind.NeverFinishes,
        };
        Jobs[job.Id] = job;
        // v1 carries the deprecated apiCreditCost beside cost {amount: string, unit} (leonardo-ts-sdk SDGenerationOutput);
        // v2 names the object "generate" (its cost fields are not documented, so the emulator sends the same).
        return EmulatedResponse.Json(200, new JsonObject
        {
            [v2 ? "generate" : "sdGenerationJob"] = new JsonObject
            {
                ["generationId"] = job.Id,
                ["apiCreditCost"] = CreditsPerImage * count,
                ["cost"] = new JsonObject { ["amount"] = (CreditsPerImage * count).ToString(System.Globalization.CultureInfo.InvariantCulture), ["unit"] = "CREDITS" },
            },
        });
    }

    private EmulatedResponse Read(string id)
    {
        if (!Jobs.TryGetValue(id, out var job))
        {
            return EmulatedResponse.Json(200, """{"generations_by_pk":null}""");
        }

        var state = job.Advance(HostImages);
        return EmulatedResponse.Json(200, new JsonObject
        {
            ["generations_by_pk"] = new JsonObject
            {
                ["id"] = job.Id,
                ["status"] = state switch
                {
                    EmulatedJobState.Succeeded => "COMPLETE",
                    EmulatedJobState.Failed => "FAILED",
                    _ => "PENDING",
                },
                ["modelId"] = job.Model,
                ["prompt"] = "(prompt)",
                ["imageWidth"] = 16,
                ["imageHeight"] = 16,
                ["seed"] = 1234,
                ["public"] = false,
                ["createdAt"] = "2026-11-22T12:00:00.000",
                ["generated_images"] = new JsonArray(job.ImageUrls.Select((url, i) => (JsonNode)new JsonObject
                {
                    ["id"] = job.Id + "-" + i,
                    ["url"] = url,
                    ["nsfw"] = false,
                    ["likeCount"] = 0,
                }).ToArray()),
            },
        });
    }
}
