using System.CommandLine;
using System.Globalization;

namespace UnifiedImageGen.Cli.Common;

/// <summary>
/// The options that shape a request (<c>--provider</c>, <c>--model</c>, <c>--count</c>, <c>--size</c>, ...), created
/// per command, and their conversion into an <see cref="ImageGenerationRequest"/> with messages that name the option.
/// </summary>
internal sealed class RequestOptions
{
    private const int MaxCount = 100;
    private bool _shaping;

    public Option<string?> Provider { get; } = new("--provider", "-p") { Description = "The provider: openai, stability, replicate, fal, bfl, google, ideogram, leonardo, firefly, comfyui, placeholder. Default: the first one with a key set, else placeholder (offline)." };

    public Option<string?> Model { get; } = new("--model", "-m") { Description = "The model id; the provider's default when omitted." };

    public Option<int> Count { get; } = new("--count", "-n") { Description = "How many images.", DefaultValueFactory = _ => 1 };

    public Option<string?> Size { get; } = new("--size", "-s") { Description = "The size in pixels, WIDTHxHEIGHT, such as 1024x768." };

    public Option<string?> Aspect { get; } = new("--aspect", "-a") { Description = "The aspect ratio, W:H, such as 16:9." };

    public Option<long?> Seed { get; } = new("--seed") { Description = "A seed for reproducible results, where the model takes one." };

    public Option<string?> Format { get; } = new("--format", "-f") { Description = "The output format: png, jpeg or webp." };

    public Option<string?> Quality { get; } = new("--quality", "-q") { Description = "The quality: auto, low, medium, high, standard, hd (as the model knows them)." };

    public Option<string?> Negative { get; } = new("--negative") { Description = "What the image should not show." };

    public Option<string?> Out { get; } = new("--out", "-o") { Description = "A file or a folder to write to (a path ending in / or without an extension is a folder). Each image gets the extension of its format." };

    /// <summary>Adds the options to a command.</summary>
    public void AddTo(Command command, bool shaping = true)
    {
        command.Options.Add(Provider);
        command.Options.Add(Model);
        _shaping = shaping;
        if (shaping)
        {
            command.Options.Add(Count);
            command.Options.Add(Size);
            command.Options.Add(Aspect);
            command.Options.Add(Seed);
            command.Options.Add(Negative);
        }

        command.Options.Add(Format);
        command.Options.Add(Quality);
        command.Options.Add(Out);
    }

    /// <summary>Builds the request the options describe.</summary>
    /// <exception cref="CliUsageException">A value is malformed or out of range; the message names its option.</exception>
    public ImageGenerationRequest Apply(ParseResult parseResult, ImageGenerationRequest request)
    {
        request = request with
        {
            Model = parseResult.GetValue(Model),
            OutputFormat = ParseFormat(parseResult.GetValue(Format)),
            Quality = parseResult.GetValue(Quality) is { Length: > 0 } quality ? new ImageQuality(quality.Trim().ToLowerInvariant()) : (ImageQuality?)null,
        };
        if (!_shaping)
        {
            return request;
        }

        int count = parseResult.GetValue(Count);
        if (count is < 1 or > MaxCount)
        {
            throw new CliUsageException("--count", string.Create(CultureInfo.InvariantCulture, $"{count} is out of range: ask for 1 to {MaxCount} images."));
        }

        return request with
        {
            Count = count,
            Size = ParseOptional<ImageSize>(parseResult.GetValue(Size), "--size", "is not a size: use WIDTHxHEIGHT, such as 1024x768, each side 1 to 16384"),
            AspectRatio = ParseOptional<AspectRatio>(parseResult.GetValue(Aspect), "--aspect", "is not an aspect ratio: use W:H, such as 16:9"),
            Seed = parseResult.GetValue(Seed),
            NegativePrompt = parseResult.GetValue(Negative),
        };
    }

    private static T? ParseOptional<T>(string? text, string option, string problem)
        where T : struct, IParsable<T>
    {
        if (text is null)
        {
            return null;
        }

        return T.TryParse(text, CultureInfo.InvariantCulture, out var value) ? value : throw new CliUsageException(option, $"'{text}' {problem}.");
    }

    private static ImageFormat? ParseFormat(string? text)
    {
        if (text is null)
        {
            return null;
        }

        return text.Trim().ToLowerInvariant() switch
        {
            "png" => ImageFormat.Png,
            "jpeg" or "jpg" => ImageFormat.Jpeg,
            "webp" => ImageFormat.Webp,
            _ => throw new CliUsageException("--format", $"'{text}' is not a format: use png, jpeg or webp."),
        };
    }
}
