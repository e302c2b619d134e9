using System.CommandLine;
using UnifiedImageGen.Cli.Common;
using UnifiedImageGen.Cli.Hosting;
using UnifiedImageGen.Cli.Output;

namespace UnifiedImageGen.Cli.Commands.Generate;

/// <summary><c>imagegen generate "a red fox in snow" --size 1024x768 --count 2 --out out/</c></summary>
internal static class GenerateCommand
{
    public static Command Create(CliContext context, GlobalOptions global)
    {
        var prompt = new Argument<string[]>("prompt") { Description = "What the image should show (quoted, or as several words).", Arity = ArgumentArity.OneOrMore };
        var options = new RequestOptions();
        var command = new Command("generate", "Generate images from a text prompt.");
        command.Arguments.Add(prompt);
        options.AddTo(command);
        CommandAction.Set(command, context, global, (parseResult, settings, cancellationToken) =>
        {
            string text = PromptText.Join(parseResult.GetValue(prompt));
            var request = options.Apply(parseResult, new ImageGenerationRequest(text));
            return GenerationRunner.RunAsync(context, settings, parseResult.GetValue(options.Provider), parseResult.GetValue(options.Out), request, ImageWriter.Slug(text, "image"), cancellationToken);
        });
        return command;
    }
}
