using System.Text;
using System.Text.Json;
using UnifiedImageGen.Http;

namespace UnifiedImageGen.ComfyUI;

/// <summary>
/// Reads the refusal of <c>POST /prompt</c> (server.py <c>post_prompt</c>, execution.py <c>validate_prompt</c>):
/// <c>{"error": {type, message, details}, "node_errors": {id: {errors: [{type, message, details}], class_type}}}</c>.
/// The details carry the useful part (which checkpoint is missing), so they go into the message.
/// </summary>
internal sealed class ComfyUIErrorMapper(SecretRedactor redactor, TimeProvider timeProvider)
    : ProviderErrorMapper(ComfyUIImageGenerator.ProviderName, redactor, timeProvider)
{
    protected override ProviderError? ParseError(int statusCode, ReadOnlySpan<byte> body)
    {
        if (body.IsEmpty || body[0] != (byte)'{')
        {
            return base.ParseError(statusCode, body);
        }

        using var document = JsonDocument.Parse(body.ToArray());
        var root = document.RootElement;
        if (!root.TryGetProperty("node_errors", out var nodes) && !root.TryGetProperty("error", out _))
        {
            return base.ParseError(statusCode, body);
        }

        var (message, missingFile) = Describe(root);
        var error = root.TryGetProperty("error", out var e) && e.ValueKind == JsonValueKind.Object ? e : default;
        return new ProviderError
        {
            Message = message,
            Type = Text(error, "type"),
            Kind = missingFile ? ImageGenerationErrorKind.ModelNotFound : statusCode == 400 ? ImageGenerationErrorKind.InvalidRequest : null,
        };
    }

    /// <summary>One line per problem; whether one is a loader's file that is not on the server (value_not_in_list).</summary>
    internal static (string Message, bool MissingFile) Describe(JsonElement root)
    {
        var text = new StringBuilder();
        var error = root.TryGetProperty("error", out var e) ? e : default;
        text.Append(error.ValueKind == JsonValueKind.String ? error.GetString() : Text(error, "message") ?? "ComfyUI rejected the workflow");
        if (Text(error, "details") is { Length: > 0 } details)
        {
            text.Append(" (").Append(details).Append(')');
        }

        bool missingFile = false;
        if (root.TryGetProperty("node_errors", out var nodes) && nodes.ValueKind == JsonValueKind.Object)
        {
            foreach (var node in nodes.EnumerateObject())
            {
                string classType = Text(node.Value, "class_type") ?? "?";
                if (!node.Value.TryGetProperty("errors", out var errors) || errors.ValueKind != JsonValueKind.Array)
                {
                    continue;
                }

                foreach (var item in errors.EnumerateArray())
                {
                    text.Append("; node ").Append(node.Name).Append(" (").Append(classType).Append("): ").Append(Text(item, "message") ?? "invalid");
                    if (Text(item, "details") is { Length: > 0 } detail)
                    {
                        text.Append(": ").Append(detail);
                    }

                    // A loader whose file name is not in the server's list: the model (or LoRA, VAE...) is not installed.
                    missingFile |= Text(item, "type") == "value_not_in_list" && classType.Contains("Loader", StringComparison.Ordinal);
                }
            }
        }

        return (text.ToString(), missingFile);
    }

    private static string? Text(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
