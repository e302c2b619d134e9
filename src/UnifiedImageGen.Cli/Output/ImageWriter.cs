using System.Text;
using UnifiedImageGen.Cli.Common;

namespace UnifiedImageGen.Cli.Output;

/// <summary>One image written to disk.</summary>
/// <param name="Path">The full path.</param>
/// <param name="Image">The image.</param>
internal sealed record SavedImage(string Path, GeneratedImage Image);

/// <summary>
/// Writes images where <c>--out</c> says. A folder (an existing one, a path ending in a separator, or a path without an
/// extension) gets <c>{name}.png</c> or <c>{name}-1.png</c>, <c>{name}-2.png</c>, ... without overwriting anything; a file
/// path is used as given, numbered when there are several images. Either way each file gets the extension of the
/// format the provider actually returned, whatever extension was asked for.
/// </summary>
internal static class ImageWriter
{
    private const int MaxNameLength = 40;

    /// <summary>Writes the successful images of <paramref name="images"/>.</summary>
    /// <param name="images">The images; failed slots are skipped.</param>
    /// <param name="outOption">The <c>--out</c> value, resolved against the working folder; null for the working folder.</param>
    /// <param name="workingDirectory">The working folder.</param>
    /// <param name="baseName">The file name stem for folder output.</param>
    /// <param name="notices">Where to say that an extension was changed.</param>
    /// <param name="cancellationToken">Cancels the writes.</param>
    public static async Task<IReadOnlyList<SavedImage>> SaveAsync(IReadOnlyList<GeneratedImage> images, string? outOption, string workingDirectory, string baseName, TextWriter notices, CancellationToken cancellationToken)
    {
        var good = images.Where(i => i.IsSuccess).ToArray();
        var saved = new List<SavedImage>(good.Length);
        string target = Path.GetFullPath(outOption ?? ".", workingDirectory);
        bool isFolder = outOption is null || Directory.Exists(target) || EndsWithSeparator(outOption) || Path.GetExtension(target).Length == 0;
        if (isFolder)
        {
            Directory.CreateDirectory(target);
            for (int i = 0; i < good.Length; i++)
            {
                string stem = good.Length == 1 ? baseName : $"{baseName}-{i + 1}";
                string path = FreePath(target, stem, good[i].FileExtension);
                await good[i].SaveAsync(path, cancellationToken).ConfigureAwait(false);
                saved.Add(new SavedImage(path, good[i]));
            }

            return saved;
        }

        if (Path.GetDirectoryName(target) is { Length: > 0 } folder)
        {
            Directory.CreateDirectory(folder);
        }

        string asked = Path.GetExtension(target);
        string fileStem = Path.Combine(Path.GetDirectoryName(target) ?? "", Path.GetFileNameWithoutExtension(target));
        for (int i = 0; i < good.Length; i++)
        {
            string extension = good[i].FileExtension;
            if (!SameFormat(asked, extension))
            {
                notices.WriteLine($"note: --out names a {asked} file but the image is {good[i].MediaType}: writing {extension}.");
            }

            string path = (good.Length == 1 ? fileStem : $"{fileStem}-{i + 1}") + extension;
            await good[i].SaveAsync(path, cancellationToken).ConfigureAwait(false);
            saved.Add(new SavedImage(path, good[i]));
        }

        return saved;
    }

    /// <summary>A file name stem from the first words of a text: <c>"A red fox, in snow!"</c> gives <c>a-red-fox-in-snow</c>.</summary>
    public static string Slug(string? text, string fallback)
    {
        var slug = new StringBuilder();
        foreach (char c in (text ?? "").Normalize(NormalizationForm.FormKD))
        {
            if (char.IsAsciiLetterOrDigit(c))
            {
                slug.Append(char.ToLowerInvariant(c));
            }
            else if ((char.IsWhiteSpace(c) || c is '-' or '_' or '.' or ',') && slug.Length > 0 && slug[^1] != '-')
            {
                slug.Append('-');
            }

            if (slug.Length >= MaxNameLength)
            {
                break;
            }
        }

        string result = slug.ToString().Trim('-');
        return result.Length == 0 ? fallback : result;
    }

    private static bool EndsWithSeparator(string path) => path.EndsWith('/') || path.EndsWith(Path.DirectorySeparatorChar);

    private static bool SameFormat(string askedExtension, string actualExtension) =>
        askedExtension.Length == 0
        || string.Equals(new ImageFormat(askedExtension.TrimStart('.')).FileExtension, actualExtension, StringComparison.OrdinalIgnoreCase);

    private static string FreePath(string folder, string stem, string extension)
    {
        string path = Path.Combine(folder, stem + extension);
        for (int n = 2; File.Exists(path); n++)
        {
            path = Path.Combine(folder, $"{stem}-{n}{extension}");
        }

        return path;
    }
}
