using System.Globalization;
using Microsoft.Extensions.Options;

namespace UnifiedImageGen.Cli.Common;

/// <summary>Turns what a command threw into an exit code and a one-line message that holds no key, image or prompt.</summary>
internal static class ExitCodes
{
    public static ExitCode For(ImageGenerationErrorKind kind) => kind switch
    {
        ImageGenerationErrorKind.InvalidRequest or ImageGenerationErrorKind.ModelNotFound => ExitCode.BadInput,
        ImageGenerationErrorKind.ContentPolicy => ExitCode.ContentRefused,
        ImageGenerationErrorKind.Authentication or ImageGenerationErrorKind.PermissionDenied => ExitCode.AuthFailed,
        ImageGenerationErrorKind.BudgetExceeded or ImageGenerationErrorKind.InsufficientCredits => ExitCode.BudgetOrCredits,
        _ => ExitCode.ProviderFailed,
    };

    public static (ExitCode Code, string Message) For(Exception exception, bool canceledByUser) => exception switch
    {
        ImageGenerationException e => (For(e.Kind), Describe(e)),
        CliAuthenticationException e => (ExitCode.AuthFailed, e.Message),
        ArgumentException e => (ExitCode.BadInput, e.Message),
        OptionsValidationException e => (ExitCode.BadInput, "Invalid settings: " + e.Message),
        FileNotFoundException e => (ExitCode.BadInput, $"File not found: {e.FileName ?? e.Message}"),
        DirectoryNotFoundException e => (ExitCode.BadInput, e.Message),
        OperationCanceledException when canceledByUser => (ExitCode.Canceled, "Canceled."),
        // A cancellation nobody asked for is a timeout somewhere below.
        OperationCanceledException => (ExitCode.ProviderFailed, "The request timed out."),
        _ => (ExitCode.Error, $"Unexpected error ({exception.GetType().Name}): {exception.Message}"),
    };

    private static string Describe(ImageGenerationException e)
    {
        var details = new List<string> { e.Kind.ToString() };
        if (e.Provider is not null)
        {
            details.Add(e.Provider + (e.Model is null ? "" : "/" + e.Model));
        }

        if (e.StatusCode is { } status)
        {
            details.Add(string.Create(CultureInfo.InvariantCulture, $"HTTP {status}"));
        }

        if (e.ProviderRequestId is not null)
        {
            details.Add("request " + e.ProviderRequestId);
        }

        string hint = e.RetryAfter is { } wait ? string.Create(CultureInfo.InvariantCulture, $" Retry after {wait.TotalSeconds:0} s.") : "";
        return $"{e.Message} ({string.Join(", ", details)}){hint}";
    }
}
