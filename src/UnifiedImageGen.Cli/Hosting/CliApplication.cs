using System.CommandLine;
using UnifiedImageGen.Cli.Commands.Cost;
using UnifiedImageGen.Cli.Commands.Edit;
using UnifiedImageGen.Cli.Commands.Generate;
using UnifiedImageGen.Cli.Commands.Jobs;
using UnifiedImageGen.Cli.Commands.Providers;
using UnifiedImageGen.Cli.Commands.Upscale;
using UnifiedImageGen.Cli.Common;

namespace UnifiedImageGen.Cli.Hosting;

/// <summary>The <c>imagegen</c> command tree, runnable in-process with any <see cref="CliContext"/>.</summary>
internal static class CliApplication
{
    /// <summary>Builds the command tree for <paramref name="context"/>.</summary>
    public static RootCommand CreateRootCommand(CliContext context)
    {
        var global = new GlobalOptions();
        var root = new RootCommand("imagegen: generate, edit and upscale images with any UnifiedImageGen provider. Without a key it works offline with a placeholder provider.");
        global.AddTo(root);
        root.Subcommands.Add(GenerateCommand.Create(context, global));
        root.Subcommands.Add(EditCommand.Create(context, global));
        root.Subcommands.Add(UpscaleCommand.Create(context, global));
        root.Subcommands.Add(JobsCommand.Create(context, global));
        root.Subcommands.Add(ProvidersCommand.Create(context, global));
        root.Subcommands.Add(CostCommand.Create(context, global));
        return root;
    }

    /// <summary>Parses and runs <paramref name="args"/>; returns the process exit code (see <see cref="ExitCode"/>).</summary>
    /// <param name="args">The command line.</param>
    /// <param name="context">Consoles, environment and folders.</param>
    /// <param name="cancellationToken">Cancels the command as Ctrl+C would.</param>
    public static async Task<int> RunAsync(string[] args, CliContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(context);
        var parseResult = CreateRootCommand(context).Parse(args);
        if (parseResult.Errors.Count > 0)
        {
            // Parse errors are bad input, with their own exit code rather than System.CommandLine's generic 1.
            foreach (var error in parseResult.Errors)
            {
                await context.Error.WriteLineAsync("error: " + error.Message).ConfigureAwait(false);
            }

            await context.Error.WriteLineAsync("Run 'imagegen --help' for usage.").ConfigureAwait(false);
            return (int)ExitCode.BadInput;
        }

        var invocation = new InvocationConfiguration { Output = context.Out, Error = context.Error };
        return await parseResult.InvokeAsync(invocation, cancellationToken).ConfigureAwait(false);
    }
}
