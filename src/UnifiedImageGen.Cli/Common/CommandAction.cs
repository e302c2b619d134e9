using System.CommandLine;
using UnifiedImageGen.Cli.Configuration;
using UnifiedImageGen.Cli.Hosting;

namespace UnifiedImageGen.Cli.Common;

/// <summary>Wires a command's handler: loads the run's configuration, runs it, and turns any failure into an exit code and one line on stderr.</summary>
internal static class CommandAction
{
    public static void Set(Command command, CliContext context, GlobalOptions global, Func<ParseResult, CliSettings, CancellationToken, Task<ExitCode>> run)
    {
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            try
            {
                var settings = global.Load(parseResult, context);
                return (int)await run(parseResult, settings, cancellationToken).ConfigureAwait(false);
            }
#pragma warning disable CA1031 // The top of a command: every failure becomes an exit code and a message, never a stack trace.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                var (code, message) = ExitCodes.For(ex, cancellationToken.IsCancellationRequested);
                await context.Error.WriteLineAsync("error: " + message).ConfigureAwait(false);
                return (int)code;
            }
        });
    }
}
