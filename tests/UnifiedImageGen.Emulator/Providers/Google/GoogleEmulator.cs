using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using UnifiedImageGen.Emulator.Faults;

namespace UnifiedImageGen.Emulator.Providers.Google;

/// <summary>
/// The Gemini API's <c>POST /v1beta/models/{model}:generateContent</c> with image output: a candidate whose parts
/// carry text and <c>inlineData</c> (base64). A blocked prompt is a 200 with <c>promptFeedback.blockReason</c>; errors
/// use the Google envelope <c>{"error":{"code","message","status"}}</c>.
/// </summary>
public sealed class GoogleEmulator() : EmulatedProvider("google")
{
    /// <inheritdoc/>
    protected internal override void Map(IEndpointRouteBuilder routes) =>
        routes.MapPost("/google/v1beta/models/{call}", (HttpContext context, string call) => ExchangeAsync(context, EmulatedOperation.Submit, fault => GenerateAsync(context, call, fault)));

    /// <inheritdoc/>
    protected internal override EmulatedResponse StatusError(int status) => status == 504
        ? Error(504, "DEADLINE_EXCEEDED", "The request timed out. Please try again.")
        : base.StatusError(status);

    /// <inheritdoc/>
    protected override EmulatedResponse ErrorBody(int status) => status switch
    {
        429 => Error(429, "RESOURCE_EXHAUSTED", "Resource has been exhausted (e.g. check quota)."),
        503 => Error(503, "UNAVAILABLE", "The model is overloaded. Please try again later."),
        _ => Error(status, "INTERNAL", "An internal error has occurred. Please retry or report in https://developers.generativeai.google/guide/troubleshooting"),
    };

    private static EmulatedResponse QuotaExhausted(string model) => EmulatedResponse.Json(429, new JsonObject
    {
        ["error"] = new JsonObject
        {
            ["code"] = 429,
            ["message"] = $"You exceeded your current quota, please check your plan and billing details. For more information on this error, head to: https://ai.google.dev/gemini-api/docs/rate-limits.\n* Quota exceeded for metric: generativelanguage.googleapis.com/generate_content_paid_tier_requests, limit: 250, model: {model}",
            ["status"] = "RESOURCE_EXHAUSTED",
            ["details"] = new JsonArray(
                new JsonObject
                {
                    ["@type"] = "type.googleapis.com/google.rpc.QuotaFailure",
                    ["violations"] = new JsonArray(new JsonObject
                    {
                        ["quotaMetric"] = "generativelanguage.googleapis.com/generate_content_paid_tier_requests",
                        ["quotaId"] = "GenerateRequestsPerDayPerProjectPerModel",
                        ["quotaDimensions"] = new JsonObject { ["location"] = "global", ["model"] = model },
                        ["quotaValue"] = "250",
                    }),
                },
                new JsonObject
                {
                    ["@type"] = "type.googleapis.com/google.rpc.Help",
                    ["links"] = new JsonArray(new JsonObject { ["description"] = "Learn more about Gemini API quotas", ["url"] = "https://ai.google.dev/gemini-api/docs/rate-limits" }),
                }),
        },
    });

    private static EmulatedResponse Error(int status, string code, string message) =>
        EmulatedResponse.Json(status, new JsonObject { ["error"] = new JsonObject { ["code"] = status, ["message"] = message, ["status"] = code } });

    private async Task<EmulatedResponse> GenerateAsync(HttpContext context, string call, FaultKind? fault)
    {
        int colon = call.LastIndexOf(':');
        if (colon < 0 || call[(colon + 1)..] != "generateContent")
        {
            return Error(404, "NOT_FOUND", $"Method {call} is not found for API version v1beta.");
        }

        if (string.IsNullOrEmpty(context.Request.Headers["x-goog-api-key"]))
        {
            return Error(403, "PERMISSION_DENIED", "Method doesn't allow unregistered callers (callers without established identity). Please use API Key or other form of API consumer identity to call this API.");
        }

        string model = call[..colon];
        var body = await ReadJsonAsync(context.Request).ConfigureAwait(false);
        string prompt = body["contents"]?[0]?["parts"]?[0]?["text"]?.GetValue<string>() ?? "";
        if (prompt.Length == 0)
        {
            return Error(400, "INVALID_ARGUMENT", "* GenerateContentRequest.contents: contents is not specified");
        }

        var usage = new JsonObject { ["promptTokenCount"] = 12, ["candidatesTokenCount"] = 1290, ["totalTokenCount"] = 1302 };
        switch (fault)
        {
            case FaultKind.ContentPolicy:
                return EmulatedResponse.Json(200, new JsonObject { ["promptFeedback"] = new JsonObject { ["blockReason"] = "PROHIBITED_CONTENT" }, ["usageMetadata"] = new JsonObject { ["promptTokenCount"] = 12, ["totalTokenCount"] = 12 }, ["modelVersion"] = model });
            case FaultKind.InsufficientCredits:
                // The Gemini API's answer once a project's daily quota is used up: 429 RESOURCE_EXHAUSTED whose
                // QuotaFailure names a per-day quota (PROVIDERS.md 13.4; bodies recorded by Gemini API users).
                return QuotaExhausted(model);
        }

        var image = Host.Images.Render();
        var parts = new JsonArray(
            new JsonObject { ["text"] = "Here is the image you asked for." },
            new JsonObject { ["inlineData"] = new JsonObject { ["mimeType"] = "image/png", ["data"] = fault == FaultKind.InvalidBase64 ? InvalidBase64 : Convert.ToBase64String(image) } });
        var answer = new JsonObject
        {
            ["candidates"] = new JsonArray(new JsonObject { ["content"] = new JsonObject { ["parts"] = parts, ["role"] = "model" }, ["finishReason"] = "STOP", ["index"] = 0 }),
            ["usageMetadata"] = usage,
            ["modelVersion"] = model,
            ["responseId"] = NewId("resp"),
        };
        var response = EmulatedResponse.Json(200, answer);
        return fault == FaultKind.InvalidBase64 ? response : response with { Images = [image] };
    }
}
