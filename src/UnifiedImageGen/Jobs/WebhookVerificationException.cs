namespace UnifiedImageGen;

/// <summary>A webhook delivery failed verification: missing headers, a bad signature, a stale or future timestamp, or an unknown key.</summary>
public sealed class WebhookVerificationException : Exception
{
    /// <summary>Creates the exception.</summary>
    public WebhookVerificationException()
        : this("The webhook delivery failed verification.")
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">Why verification failed.</param>
    public WebhookVerificationException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">Why verification failed.</param>
    /// <param name="innerException">The cause.</param>
    public WebhookVerificationException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
