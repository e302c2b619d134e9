using System.CommandLine;
using UnifiedImageGen.Cli.Common;
using UnifiedImageGen.Cli.Hosting;
using UnifiedImageGen.Cli.Output;

namespace UnifiedImageGen.Cli.Commands.Upscale;

/// <summary><c>imagegen upscale photo.png --provider stability --out big.png</c></summary>
internal static class UpscaleCommand
{
    public static Command Create(CliContext context, GlobalOptions global)
    {
        var image = new Argument<string>("image") { Description = "The image to enlarge." };
        var prompt = new Option<string?>("--prompt") { Description = "A description some upscalers use to add detail." };
        var size = new Option<string?>("--size", "-s") { Description = "The target size, WIDTHxHEIGHT, where the upscaler takes one." };
        var options = new RequestOptions();
        var command = new Command("upscale", "Enlarge an image.");
        command.Arguments.Add(image);
        command.Options.Add(prompt);
        command.Options.Add(size);
        options.AddTo(command, shaping: false);
        CommandAction.Set(command, context, global, async (parseResult, settings, cancellationToken) =>
        {
            string imagePath = parseResult.GetValue(image)!;
            string? sizeText = parseResult.GetValue(size);
            var request = options.Apply(parseResult, new ImageGenerationRequest
            {
                Prompt = parseResult.GetValue(prompt),
                Operation = ImageOperation.Upscale,
                InputImages = [await InputFiles.ReadAsync(imagePath, context.ResolvePath(imagePath), "<image>", cancellationToken).ConfigureAwait(false)],
            });
            if (sizeText is not null)
            {
                request = request with
                {
                    Size = ImageSize.TryParse(sizeText, null, out var parsed) ? parsed : throw new CliUsageException("--size", $"'{sizeText}' is not a size: use WIDTHxHEIGHT, such as 2048x2048."),
                };
            }

            string baseName = ImageWriter.Slug(Path.GetFileNameWithoutExtension(imagePath), "image") + "-upscaled";
            return await GenerationRunner.RunAsync(context, settings, parseResult.GetValue(options.Provider), parseResult.GetValue(options.Out), request, baseName, cancellationToken).ConfigureAwait(false);
        });
        return command;
    }
}
