namespace UnifiedImageGen.Cli.Common;

/// <summary>A provider was chosen but its credentials are not set; the message names the variables that would set them.</summary>
internal sealed class CliAuthenticationException(string message) : Exception(message);
