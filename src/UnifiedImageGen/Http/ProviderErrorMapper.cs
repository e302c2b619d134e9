using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace UnifiedImageGen.Http;

/// <summary>
/// Turns a failed HTTP response into an <see cref="ImageGenerationException"/>: reads the body (at most
/// <see cref="MaxBodyBytes"/> kept, secrets redacted), parses the provider's error shape, classifies the kind from the
/// status code and the error code, and writes a message that says what to do. Providers derive from it to parse their
/// own shapes; the default understands the common ones (<c>{"error":{"message","type","code"}}</c>,
/// <c>{"message"}</c>, <c>{"detail"}</c>, <c>{"errors":[...]}</c>, <c>{"name","errors"}</c>).
/// </summary>
public class ProviderErrorMapper
{
    /// <summary>The most bytes of an error body kept on the exception.</summary>
    public const int MaxBodyBytes = 4096;

    private const int MaxParsedBodyBytes = 256 * 1024;
    private const int MaxMessageChars = 500;

    /// <summary>Creates a mapper for a provider.</summary>
    /// <param name="providerName">The provider name used in messages.</param>
    /// <param name="redactor">Removes the provider's keys from bodies and messages.</param>
    /// <param name="timeProvider">The clock for HTTP-date <c>Retry-After</c> values.</param>
    public ProviderErrorMapper(string providerName, SecretRedactor? redactor = null, TimeProvider? timeProvider = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(providerName);
        ProviderName = providerName;
        Redactor = redactor ?? SecretRedactor.Default;
        TimeProvider = timeProvider ?? TimeProvider.System;
    }

    /// <summary>The provider name used in messages.</summary>
    public string ProviderName { get; }

    /// <summary>The redactor applied to bodies and messages.</summary>
    public SecretRedactor Redactor { get; }

    /// <summary>The clock for HTTP-date <c>Retry-After</c> values.</summary>
    protected TimeProvider TimeProvider { get; }

    /// <summary>Response headers that carry the provider's request id, tried in order.</summary>
    protected virtual IReadOnlyList<string> RequestIdHeaders { get; } =
        ["x-request-id", "request-id", "x-amzn-requestid", "x-fal-request-id", "x-goog-request-id", "cf-ray"];

    /// <summary>Reads the failed response and returns the exception to throw. Disposes nothing.</summary>
    /// <param name="response">A response whose status is not a success.</param>
    /// <param name="model">The model the request was for, if known.</param>
    /// <param name="cancellationToken">Cancels reading the body.</param>
    public async Task<ImageGenerationException> CreateExceptionAsync(HttpResponseMessage response, string? model = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(response);
        byte[] body;
        try
        {
            using var buffer = await PooledBuffer.ReadAsync(response.Content, MaxParsedBodyBytes, cancellationToken).ConfigureAwait(false);
            body = buffer.Span.ToArray();
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException or ImageGenerationException)
        {
            body = [];
        }

        return CreateException((int)response.StatusCode, body, response.Headers, response.Content.Headers.ContentType, model);
    }

    /// <summary>Builds the exception from a status code and body (for errors that arrive inside a 200 response or a job status).</summary>
    /// <param name="statusCode">The HTTP status, or 200 for errors reported in a successful response.</param>
    /// <param name="body">The body bytes.</param>
    /// <param name="headers">The response headers, if any.</param>
    /// <param name="contentType">The body's content type, if known.</param>
    /// <param name="model">The model, if known.</param>
    public ImageGenerationException CreateException(int statusCode, ReadOnlySpan<byte> body, HttpResponseHeaders? headers, MediaTypeHeaderValue? contentType, string? model)
    {
        ProviderError error;
        try
        {
            error = ParseError(statusCode, body, headers) ?? new ProviderError();
        }
        catch (JsonException)
        {
            error = new ProviderError();
        }

        if (error.Message is null && body.Length > 0 && !PooledBuffer.IsJson(contentType) && LooksLikeText(body))
        {
            error = error with { Message = Encoding.UTF8.GetString(body[..Math.Min(body.Length, MaxMessageChars * 2)]) };
        }

        var kind = error.Kind ?? Classify(statusCode, error);
        TimeSpan? retryAfter = error.RetryAfter;
        string? requestId = error.RequestId;
        if (headers is not null)
        {
            retryAfter = RetryAfter.From(headers, TimeProvider) ?? retryAfter;
            foreach (var name in RequestIdHeaders)
            {
                if (headers.TryGetValues(name, out var values) && values.FirstOrDefault() is { Length: > 0 } id)
                {
                    requestId ??= id;
                    break;
                }
            }
        }

        // Codes and request ids are the provider's text too: a body or header that echoes the key must not carry it out.
        error = error with { Code = Redactor.Redact(error.Code), Type = Redactor.Redact(error.Type) };
        requestId = Redactor.Redact(requestId);
        string bodyText = body.IsEmpty ? "" : Redactor.Redact(Encoding.UTF8.GetString(body[..Math.Min(body.Length, MaxBodyBytes)]))!;
        return new ImageGenerationException(kind, BuildMessage(statusCode, kind, error, retryAfter, model))
        {
            Provider = ProviderName,
            Model = model,
            StatusCode = statusCode,
            ProviderErrorCode = error.Code ?? error.Type,
            ProviderRequestId = requestId,
            RetryAfter = retryAfter,
            ResponseBody = bodyText.Length == 0 ? null : bodyText,
            IsTransient = ImageGenerationException.IsTransientKind(kind),
        };
    }

    /// <summary>Parses the provider's error from body and headers (some providers put the reason in a header); by default the body only.</summary>
    /// <param name="statusCode">The HTTP status.</param>
    /// <param name="body">The body bytes (possibly not JSON).</param>
    /// <param name="headers">The response headers, if any.</param>
    /// <exception cref="JsonException">The body is malformed JSON (caught by the caller).</exception>
    protected virtual ProviderError? ParseError(int statusCode, ReadOnlySpan<byte> body, HttpResponseHeaders? headers) => ParseError(statusCode, body);

    /// <summary>Parses the provider's error body. Override for provider-specific shapes; return null when the body says nothing.</summary>
    /// <param name="statusCode">The HTTP status.</param>
    /// <param name="body">The body bytes (possibly not JSON).</param>
    /// <exception cref="JsonException">The body is malformed JSON (caught by the caller).</exception>
    protected virtual ProviderError? ParseError(int statusCode, ReadOnlySpan<byte> body)
    {
        if (body.IsEmpty || (body[0] != (byte)'{' && body[0] != (byte)'[' && !char.IsWhiteSpace((char)body[0])))
        {
            return null;
        }

        using var document = JsonDocument.Parse(body.ToArray());
        var root = document.RootElement;
        if (root.ValueKind == JsonValueKind.Array && root.GetArrayLength() > 0)
        {
            root = root[0];
        }

        if (root.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        var source = root.TryGetProperty("error", out var inner) && inner.ValueKind == JsonValueKind.Object ? inner : root;
        string? message = String(source, "message") ?? String(source, "detail") ?? String(root, "detail") ?? String(root, "error") ?? String(source, "title");
        string? code = null;
        if (message is null && root.TryGetProperty("detail", out var detail) && detail.ValueKind == JsonValueKind.Array && detail.GetArrayLength() > 0)
        {
            // FastAPI validation errors: name each field ("body.num_images: ensure this value ...").
            message = string.Join("; ", detail.EnumerateArray().Take(5).Select(item =>
                (item.ValueKind == JsonValueKind.Object && item.TryGetProperty("loc", out var loc) && loc.ValueKind == JsonValueKind.Array
                    ? string.Join(".", loc.EnumerateArray().Select(l => l.ToString())) + ": "
                    : "") + (String(item, "msg") ?? item.ToString())));
            code = String(detail[0], "type");
        }

        if (root.TryGetProperty("errors", out var errors) && errors.ValueKind == JsonValueKind.Array && errors.GetArrayLength() > 0)
        {
            string first = errors[0].ValueKind == JsonValueKind.String ? errors[0].GetString()! : String(errors[0], "message") ?? errors[0].ToString();
            message = message is null ? first : message + ": " + first;
        }

        return new ProviderError
        {
            Message = message,
            Code = String(source, "code") ?? String(root, "name") ?? String(source, "status") ?? code,
            Type = String(source, "type"),
        };
    }

    /// <summary>Chooses the kind from the status code and the parsed error; override for provider rules.</summary>
    /// <param name="statusCode">The HTTP status.</param>
    /// <param name="error">The parsed error.</param>
    protected virtual ImageGenerationErrorKind Classify(int statusCode, ProviderError error)
    {
        ArgumentNullException.ThrowIfNull(error);
        string codes = ((error.Code ?? "") + " " + (error.Type ?? "")).ToLowerInvariant();
        if (ContainsAny(codes, "content_policy", "moderation", "safety", "nsfw", "content_moderation", "blocked"))
        {
            return ImageGenerationErrorKind.ContentPolicy;
        }

        if (ContainsAny(codes, "insufficient_quota", "insufficient_credit", "billing", "payment_required", "credits", "balance"))
        {
            return ImageGenerationErrorKind.InsufficientCredits;
        }

        if (ContainsAny(codes, "model_not_found", "deployment_not_found"))
        {
            return ImageGenerationErrorKind.ModelNotFound;
        }

        if (ContainsAny(codes, "rate_limit", "resource_exhausted"))
        {
            return ImageGenerationErrorKind.RateLimited;
        }

        return ImageGenerationException.KindFromStatusCode(statusCode);
    }

    /// <summary>Writes the exception message: what happened, the provider's words (redacted, shortened), and what to do.</summary>
    protected virtual string BuildMessage(int statusCode, ImageGenerationErrorKind kind, ProviderError error, TimeSpan? retryAfter, string? model)
    {
        ArgumentNullException.ThrowIfNull(error);
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"{ProviderName} returned HTTP {statusCode}");
        string? codes = (error.Type, error.Code) switch
        {
            (not null, not null) when error.Type != error.Code => $"{error.Type}: {error.Code}",
            (_, not null) => error.Code,
            (not null, null) => error.Type,
            _ => null,
        };
        if (codes is not null)
        {
            text.Append(" (").Append(codes).Append(')');
        }

        if (model is not null)
        {
            text.Append(" for model '").Append(model).Append('\'');
        }

        if (error.Message is { Length: > 0 } message)
        {
            message = Redactor.Redact(message)!;
            text.Append(": ").Append(message.Length > MaxMessageChars ? string.Concat(message.AsSpan(0, MaxMessageChars), "…") : message);
        }

        text.Append(text[^1] is '.' or '…' ? " " : ". ").Append(Advice(kind, retryAfter));
        return text.ToString();
    }

    /// <summary>What a caller can do about an error of <paramref name="kind"/>.</summary>
    protected virtual string Advice(ImageGenerationErrorKind kind, TimeSpan? retryAfter) => kind switch
    {
        ImageGenerationErrorKind.Authentication => $"Check the API key (configuration ImageGeneration:Providers:{ProviderName}:ApiKey).",
        ImageGenerationErrorKind.PermissionDenied => "The key may not use this model or feature; check the account's access, tier or organisation verification.",
        ImageGenerationErrorKind.ContentPolicy => "The provider's safety system refused the request; change the prompt or input image.",
        ImageGenerationErrorKind.RateLimited => retryAfter is { } wait
            ? string.Create(CultureInfo.InvariantCulture, $"Rate limited: retry after {wait.TotalSeconds:0.###} s or route to another provider.")
            : "Rate limited: retry later or route to another provider.",
        ImageGenerationErrorKind.InsufficientCredits => "The account is out of credits or over its quota; top it up or raise the limit. Retrying will not help.",
        ImageGenerationErrorKind.ModelNotFound => "Check the model id and that the account can use it.",
        ImageGenerationErrorKind.ProviderUnavailable => "The provider is failing or overloaded; retry later or route to another provider.",
        ImageGenerationErrorKind.Timeout => "The provider did not answer in time; retry, or raise the timeout for slow models.",
        ImageGenerationErrorKind.InvalidRequest => "Fix the request; it will fail the same way if retried.",
        _ => "The response was not understood.",
    };

    private static string? String(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value)
            ? value.ValueKind switch
            {
                JsonValueKind.String => value.GetString(),
                JsonValueKind.Number => value.GetRawText(),
                _ => null,
            }
            : null;

    private static bool ContainsAny(string text, params ReadOnlySpan<string> needles)
    {
        foreach (var needle in needles)
        {
            if (text.Contains(needle, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    private static bool LooksLikeText(ReadOnlySpan<byte> body)
    {
        foreach (byte b in body[..Math.Min(body.Length, 256)])
        {
            if (b < 0x09 || (b > 0x0D && b < 0x20))
            {
                return false;
            }
        }

        return true;
    }
}
