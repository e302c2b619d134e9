using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using UnifiedImageGen.Emulator.Faults;

namespace UnifiedImageGen.Emulator.Providers.OpenAI;

/// <summary>
/// <c>POST /v1/images/generations</c> answering as the GPT image models do: <c>data[].b64_json</c> plus token usage, in
/// the recorded shape, or with <c>"stream": true</c> the recorded server-sent events (two partial images, then the
/// completed image); errors are the recorded bodies (<c>moderation_blocked</c>, <c>insufficient_quota</c>, ...).
/// </summary>
public sealed class OpenAIEmulator() : EmulatedProvider("openai")
{
    /// <inheritdoc/>
    public override string EndpointPath => "openai/v1/";

    /// <inheritdoc/>
    protected internal override void Map(IEndpointRouteBuilder routes) => routes.MapPost("/openai/v1/images/generations", Generate);

    /// <inheritdoc/>
    protected override EmulatedResponse ErrorBody(int status) => status == 429
        ? EmulatedResponse.Json(429, Recordings.Load("OpenAI", "error.rate_limit_exceeded.json"))
        : EmulatedResponse.Json(status, Recordings.Load("OpenAI", "error.server_error.json"));

    private Task Generate(HttpContext context) => ExchangeAsync(context, EmulatedOperation.Submit, fault => GenerateAsync(context, fault));

    private async Task<EmulatedResponse> GenerateAsync(HttpContext context, FaultKind? fault)
    {
        if (context.Request.Headers.Authorization.ToString() is not { Length: > 7 } auth || !auth.StartsWith("Bearer ", StringComparison.Ordinal))
        {
            return EmulatedResponse.Json(401, Recordings.Load("OpenAI", "error.invalid_api_key.json"));
        }

        var body = await ReadJsonAsync(context.Request).ConfigureAwait(false);
        if (body["prompt"]?.GetValue<string>() is not { Length: > 0 })
        {
            return EmulatedResponse.Json(400, """{"error":{"message":"Missing required parameter: 'prompt'.","type":"invalid_request_error","param":"prompt","code":"missing_required_parameter"}}""");
        }

        switch (fault)
        {
            case FaultKind.ContentPolicy:
                return EmulatedResponse.Json(400, Recordings.Load("OpenAI", "error.moderation_blocked.json"));
            case FaultKind.InsufficientCredits:
                return EmulatedResponse.Json(429, Recordings.Load("OpenAI", "error.insufficient_quota.json"));
        }

        if (body["stream"]?.GetValue<bool>() == true)
        {
            // Previews are small images of their own; only the completed image counts as delivered.
            var final = Host.Images.Render();
            string events = Recordings.Load("OpenAI", "gpt-image-1.stream.txt")
                .Replace("{{PNG_SMALL}}", Convert.ToBase64String(Host.Images.Render()), StringComparison.Ordinal)
                .Replace("{{PNG}}", fault == FaultKind.InvalidBase64 ? InvalidBase64 : Convert.ToBase64String(final), StringComparison.Ordinal);
            var stream = EmulatedResponse.Text(200, "text/event-stream", events).WithHeader("x-request-id", NewId("req_"));
            return fault == FaultKind.InvalidBase64 ? stream : stream with { Images = [final] };
        }

        int n = body["n"]?.GetValue<int>() ?? 1;
        var images = Enumerable.Range(0, n).Select(_ => Host.Images.Render()).ToArray();
        var answer = JsonNode.Parse(Recordings.Load("OpenAI", "gpt-image-1.generations.json"))!.AsObject();
        answer["data"] = new JsonArray(images.Select(image => (JsonNode)new JsonObject
        {
            ["b64_json"] = fault == FaultKind.InvalidBase64 ? InvalidBase64 : Convert.ToBase64String(Payload(fault, image)),
        }).ToArray());
        var response = EmulatedResponse.Json(200, answer).WithHeader("x-request-id", NewId("req_"));
        return fault == FaultKind.InvalidBase64 || IsNonImage(fault) ? response : response with { Images = images };
    }
}
