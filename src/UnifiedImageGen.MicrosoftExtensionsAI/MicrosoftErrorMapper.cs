using System.Globalization;
using UnifiedImageGen.Http;

namespace UnifiedImageGen.MicrosoftExtensionsAI;

/// <summary>
/// Turns what a Microsoft.Extensions.AI generator throws or reports into <see cref="ImageGenerationException"/>, so
/// routers can decide on <see cref="ImageGenerationException.Kind"/>. Messages name the exception type and status
/// only: the inner message may echo the prompt or a key, so it stays on <see cref="Exception.InnerException"/>.
/// </summary>
internal static class MicrosoftErrorMapper
{
    private const int MaxDetailChars = 4096;

    public static ImageGenerationException Wrap(Exception exception, string providerName, string? model, Func<Exception, ImageGenerationErrorKind?>? classify)
    {
        int? status = FindStatusCode(exception);
        var kind = classify?.Invoke(exception) ?? Classify(exception, status);
        string what = status is { } code
            ? string.Create(CultureInfo.InvariantCulture, $"{exception.GetType().Name}, HTTP {code}")
            : exception.GetType().Name;
        return new ImageGenerationException(kind, $"The Microsoft.Extensions.AI image generator of provider '{providerName}' failed ({what}): {Advice(kind)} See InnerException for its details.", exception)
        {
            Provider = providerName,
            Model = model,
            StatusCode = status,
        };
    }

    /// <summary>The error of one failed slot of a batch, reported as <c>ErrorContent</c>.</summary>
    public static ImageGenerationException FromErrorContent(Microsoft.Extensions.AI.ErrorContent error, string providerName, string? model)
    {
        var kind = Enum.TryParse<ImageGenerationErrorKind>(error.ErrorCode, ignoreCase: true, out var parsed) && Enum.IsDefined(parsed)
            ? parsed
            : ImageGenerationErrorKind.UnexpectedResponse;
        string code = string.IsNullOrEmpty(error.ErrorCode) ? "" : $" (code {error.ErrorCode})";
        string detail = string.Join(" ", new[] { error.Message, error.Details }.Where(t => !string.IsNullOrEmpty(t)));
        return new ImageGenerationException(kind, $"The Microsoft.Extensions.AI image generator of provider '{providerName}' reported a failed image{code}; see ResponseBody for its text.")
        {
            Provider = providerName,
            Model = model,
            ProviderErrorCode = error.ErrorCode,
            ResponseBody = Cap(SecretRedactor.Default.Redact(detail)),
        };
    }

    private static ImageGenerationErrorKind Classify(Exception exception, int? status)
    {
        if (status is { } code)
        {
            return ImageGenerationException.KindFromStatusCode(code);
        }

        return exception switch
        {
            HttpRequestException => ImageGenerationErrorKind.ProviderUnavailable,
            TimeoutException or OperationCanceledException => ImageGenerationErrorKind.Timeout,
            ArgumentException or NotSupportedException => ImageGenerationErrorKind.InvalidRequest,
            UnauthorizedAccessException => ImageGenerationErrorKind.Authentication,
            _ when exception.InnerException is { } inner => Classify(inner, status: null),
            _ => ImageGenerationErrorKind.UnexpectedResponse,
        };
    }

    // Vendor SDKs often wrap the HttpRequestException that carries the status.
    private static int? FindStatusCode(Exception exception)
    {
        for (var current = exception; current is not null; current = current.InnerException)
        {
            if (current is HttpRequestException { StatusCode: { } status })
            {
                return (int)status;
            }
        }

        return null;
    }

    private static string Advice(ImageGenerationErrorKind kind) => kind switch
    {
        ImageGenerationErrorKind.InvalidRequest => "the request was refused as invalid; check the settings for this model.",
        ImageGenerationErrorKind.Authentication => "check the credentials the generator was created with.",
        ImageGenerationErrorKind.PermissionDenied => "the credentials may not use this model or feature.",
        ImageGenerationErrorKind.RateLimited => "too many requests; wait or use another route.",
        ImageGenerationErrorKind.InsufficientCredits => "the account is out of credits or quota.",
        ImageGenerationErrorKind.ModelNotFound => "the model does not exist for this account.",
        ImageGenerationErrorKind.ProviderUnavailable => "the service is unavailable; try again later or use another route.",
        ImageGenerationErrorKind.Timeout => "the call did not finish in time.",
        ImageGenerationErrorKind.ContentPolicy => "the provider's safety system refused the request.",
        _ => "its answer could not be used.",
    };

    private static string? Cap(string? text) =>
        text is { Length: > MaxDetailChars } ? text[..MaxDetailChars] + "…" : text;
}
