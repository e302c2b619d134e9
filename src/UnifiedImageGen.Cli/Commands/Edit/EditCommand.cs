using System.CommandLine;
using UnifiedImageGen.Cli.Common;
using UnifiedImageGen.Cli.Hosting;
using UnifiedImageGen.Cli.Output;

namespace UnifiedImageGen.Cli.Commands.Edit;

/// <summary><c>imagegen edit photo.png "replace the sky with a sunset" --mask sky.png</c></summary>
internal static class EditCommand
{
    public static Command Create(CliContext context, GlobalOptions global)
    {
        var image = new Argument<string>("image") { Description = "The image to edit." };
        var prompt = new Argument<string[]>("prompt") { Description = "What to change (quoted, or as several words).", Arity = ArgumentArity.OneOrMore };
        var mask = new Option<string?>("--mask") { Description = "A mask image: where to repaint (transparent or white, as the provider expects). Without it the whole image is reworked." };
        var options = new RequestOptions();
        var command = new Command("edit", "Edit an image as a prompt says, optionally only inside a mask.");
        command.Arguments.Add(image);
        command.Arguments.Add(prompt);
        command.Options.Add(mask);
        options.AddTo(command);
        CommandAction.Set(command, context, global, async (parseResult, settings, cancellationToken) =>
        {
            string imagePath = parseResult.GetValue(image)!;
            string text = PromptText.Join(parseResult.GetValue(prompt));
            string? maskPath = parseResult.GetValue(mask);
            var request = options.Apply(parseResult, new ImageGenerationRequest(text)
            {
                Operation = maskPath is null ? ImageOperation.ImageToImage : ImageOperation.Inpaint,
                InputImages = [await InputFiles.ReadAsync(imagePath, context.ResolvePath(imagePath), "<image>", cancellationToken).ConfigureAwait(false)],
                Mask = maskPath is null ? null : await InputFiles.ReadAsync(maskPath, context.ResolvePath(maskPath), "--mask", cancellationToken).ConfigureAwait(false),
            });
            string baseName = ImageWriter.Slug(Path.GetFileNameWithoutExtension(imagePath), "image") + "-edited";
            return await GenerationRunner.RunAsync(context, settings, parseResult.GetValue(options.Provider), parseResult.GetValue(options.Out), request, baseName, cancellationToken).ConfigureAwait(false);
        });
        return command;
    }
}
