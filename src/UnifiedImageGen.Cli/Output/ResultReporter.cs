using System.Globalization;
using Spectre.Console;
using UnifiedImageGen.Cli.Common;

namespace UnifiedImageGen.Cli.Output;

/// <summary>
/// Reports a finished generation: the files written (stdout: one path per line in plain mode, a table otherwise),
/// then warnings, failed slots and a summary (stderr in plain mode, so stdout stays a list of files for scripts).
/// </summary>
internal static class ResultReporter
{
    /// <summary>Reports the result and returns the exit code: success, or the kind of the first failed slot.</summary>
    public static ExitCode Report(ImageGenerationResult result, IReadOnlyList<SavedImage> saved, bool plain, IAnsiConsole console, TextWriter output, TextWriter errors)
    {
        foreach (var warning in result.Warnings)
        {
            errors.WriteLine($"warning: {warning.Message}");
        }

        var failed = result.Images.Where(i => i.Error is not null).Select(i => i.Error!).ToArray();
        foreach (var error in failed)
        {
            errors.WriteLine($"error: one image failed: {ExitCodes.For(error, canceledByUser: false).Message}");
        }

        string summary = Summary(result, saved.Count);
        if (plain)
        {
            foreach (var image in saved)
            {
                output.WriteLine(image.Path);
            }

            errors.WriteLine(summary);
        }
        else
        {
            var table = new Table().Border(TableBorder.Rounded).AddColumn("File").AddColumn("Size").AddColumn("Type").AddColumn("Seed");
            foreach (var image in saved)
            {
                table.AddRow(
                    Markup.Escape(image.Path),
                    image.Image.Width is { } w && image.Image.Height is { } h ? string.Create(CultureInfo.InvariantCulture, $"{w}x{h}") : "?",
                    Markup.Escape(image.Image.MediaType),
                    image.Image.Seed?.ToString(CultureInfo.InvariantCulture) ?? "");
            }

            console.Write(table);
            console.MarkupLine("[grey]" + Markup.Escape(summary) + "[/]");
        }

        return failed.Length > 0 ? ExitCodes.For(failed[0].Kind) : ExitCode.Success;
    }

    private static string Summary(ImageGenerationResult result, int savedCount)
    {
        string cost = result.Cost is { } c
            ? string.Create(CultureInfo.InvariantCulture, $"${c.Usd:0.00##}") + (string.IsNullOrEmpty(c.Basis) ? "" : $" ({c.Basis})")
            : "cost unknown";
        return string.Create(CultureInfo.InvariantCulture, $"{result.Provider}/{result.Model}: {savedCount} image(s) saved, {cost}, {result.Elapsed.TotalSeconds:0.0} s{(result.FromCache ? ", from cache" : "")}");
    }
}
