namespace UnifiedImageGen.Cli.Common;

/// <summary>Reads input images named on the command line, with errors that name the argument or option.</summary>
internal static class InputFiles
{
    public static async Task<ImageInput> ReadAsync(string path, string fullPath, string argument, CancellationToken cancellationToken)
    {
        if (!File.Exists(fullPath))
        {
            throw new CliUsageException(argument, $"the file '{path}' does not exist.");
        }

        try
        {
            return await ImageInput.FromFileAsync(fullPath, cancellationToken).ConfigureAwait(false);
        }
        catch (ArgumentException ex)
        {
            throw new CliUsageException(argument, $"'{path}' cannot be used: {ex.Message.Split(" (Parameter", 2)[0]}");
        }
    }
}
