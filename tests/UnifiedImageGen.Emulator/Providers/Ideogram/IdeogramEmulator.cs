using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using UnifiedImageGen.Emulator.Faults;

namespace UnifiedImageGen.Emulator.Providers.Ideogram;

/// <summary>
/// Ideogram 3.0: <c>POST /v1/ideogram-v3/generate</c> (multipart, <c>Api-Key</c>) answers
/// <c>{created, data:[{url, prompt, resolution, is_image_safe, seed, style_type}]}</c> with ephemeral URLs the emulator
/// serves itself. A refused prompt is 422 <c>{"error": "Prompt provided failed safety check ..."}</c>.
/// </summary>
public sealed class IdeogramEmulator() : EmulatedProvider("ideogram")
{
    /// <inheritdoc/>
    protected internal override void Map(IEndpointRouteBuilder routes) => routes.MapPost("/ideogram/v1/ideogram-v3/generate", Generate);

    /// <inheritdoc/>
    protected override EmulatedResponse ErrorBody(int status) => status == 429
        ? EmulatedResponse.Json(429, """{"error":"Too many requests: the concurrency limit of 10 in-flight requests was reached."}""")
        : EmulatedResponse.Json(status, """{"error":"Internal server error."}""");

    private Task Generate(HttpContext context) => ExchangeAsync(context, EmulatedOperation.Submit, fault => GenerateAsync(context, fault));

    private async Task<EmulatedResponse> GenerateAsync(HttpContext context, FaultKind? fault)
    {
        if (string.IsNullOrEmpty(context.Request.Headers["Api-Key"]))
        {
            return EmulatedResponse.Json(401, """{"error":"Not authorized"}""");
        }

        if (!context.Request.HasFormContentType)
        {
            return EmulatedResponse.Json(400, """{"error":"Expected multipart/form-data."}""");
        }

        var form = await context.Request.ReadFormAsync(context.RequestAborted).ConfigureAwait(false);
        if (string.IsNullOrWhiteSpace(form["prompt"]))
        {
            return EmulatedResponse.Json(400, """{"error":"prompt is required"}""");
        }

        switch (fault)
        {
            case FaultKind.ContentPolicy:
                return EmulatedResponse.Json(422, """{"error":"Prompt provided failed safety check due to the inclusion of prohibited content."}""");
            case FaultKind.InsufficientCredits:
                // Not documented; an exhausted prepaid balance answers 402 like other credit-billed APIs.
                return EmulatedResponse.Json(402, """{"error":"Insufficient credits: your API balance is exhausted. Top up your balance to continue."}""");
        }

        int count = int.TryParse(form["num_images"], out int n) ? n : 1;
        var job = new EmulatedJob(NewId("ig"), "V_3", count);
        var urls = HostImages(job);
        return EmulatedResponse.Json(200, new JsonObject
        {
            ["created"] = "2026-11-22T12:00:00+00:00",
            ["data"] = new JsonArray(urls.Select(url => (JsonNode)new JsonObject
            {
                ["url"] = url + "?exp=1763816400&sig=emulated",
                ["prompt"] = form["prompt"].ToString(),
                ["resolution"] = "1024x1024",
                ["is_image_safe"] = true,
                ["seed"] = 12345,
                ["style_type"] = "GENERAL",
            }).ToArray()),
        });
    }
}
