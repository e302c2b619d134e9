using Spectre.Console;
using UnifiedImageGen.Cli.Hosting;

namespace UnifiedImageGen.Cli.Output;

/// <summary>The rich console of a run: the context's own, or one over its output writer.</summary>
internal static class ConsoleFactory
{
    public static IAnsiConsole For(CliContext context) =>
        context.Console ?? AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(context.Out),
            Ansi = context.IsOutputRedirected ? AnsiSupport.No : AnsiSupport.Detect,
            ColorSystem = context.IsOutputRedirected ? ColorSystemSupport.NoColors : ColorSystemSupport.Detect,
            Interactive = InteractionSupport.No,
        });
}
