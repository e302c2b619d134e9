namespace UnifiedImageGen.Cli;

/// <summary>
/// What <c>imagegen</c> returns to the shell. Each failure class has its own code so scripts can react (fix the
/// arguments, change the prompt, renew a key, top up credits, retry later) without parsing messages.
/// </summary>
public enum ExitCode
{
    /// <summary>The command did what it was asked.</summary>
    Success = 0,

    /// <summary>An unexpected error (a bug, or a file that could not be written).</summary>
    Error = 1,

    /// <summary>Invalid arguments or settings (an <see cref="ArgumentException"/>, an <see cref="ImageGenerationErrorKind.InvalidRequest"/> or unknown model or job).</summary>
    BadInput = 2,

    /// <summary>The provider's safety system refused the prompt or the output (<see cref="ImageGenerationErrorKind.ContentPolicy"/>).</summary>
    ContentRefused = 3,

    /// <summary>The key is missing, wrong or not allowed to do this (<see cref="ImageGenerationErrorKind.Authentication"/>, <see cref="ImageGenerationErrorKind.PermissionDenied"/>).</summary>
    AuthFailed = 4,

    /// <summary>A configured budget would be exceeded, or the account is out of credits (<see cref="ImageGenerationErrorKind.BudgetExceeded"/>, <see cref="ImageGenerationErrorKind.InsufficientCredits"/>).</summary>
    BudgetOrCredits = 5,

    /// <summary>The provider failed, was unavailable, rate-limited, timed out or answered with something unreadable; retrying later may help.</summary>
    ProviderFailed = 6,

    /// <summary>Cancelled (Ctrl+C): 128 + SIGINT, as shells report it.</summary>
    Canceled = 130,
}
