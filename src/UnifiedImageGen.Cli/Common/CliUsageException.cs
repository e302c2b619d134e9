namespace UnifiedImageGen.Cli.Common;

/// <summary>
/// A command-line value the user must fix, naming the option it came from. It is an <see cref="ArgumentException"/> so
/// it maps to <see cref="ExitCode.BadInput"/> like the SDK's own argument errors.
/// </summary>
internal sealed class CliUsageException(string option, string message) : ArgumentException(message, option)
{
    /// <summary>The message, led by the option (<c>--size: ...</c>) and without the "(Parameter ...)" suffix.</summary>
    public override string Message { get; } = option + ": " + message;
}
