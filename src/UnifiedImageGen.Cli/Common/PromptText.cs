namespace UnifiedImageGen.Cli.Common;

/// <summary>Joins the words of a prompt given without quotes.</summary>
internal static class PromptText
{
    /// <summary>The prompt, or a usage error when it is empty or a word looks like a mistyped option.</summary>
    /// <exception cref="CliUsageException">The prompt is empty, or holds a word such as <c>--sizee</c>.</exception>
    public static string Join(IReadOnlyList<string>? words)
    {
        // The prompt takes any number of words, so an option the parser does not know would land in it silently.
        if (words?.FirstOrDefault(LooksLikeOption) is { } stray)
        {
            throw new CliUsageException(stray, "unknown option. Quote the prompt if it really contains this word.");
        }

        string text = string.Join(' ', words ?? []).Trim();
        return text.Length > 0 ? text : throw new CliUsageException("<prompt>", "the prompt is empty.");
    }

    private static bool LooksLikeOption(string word) =>
        word.Length > 1 && word[0] == '-' && (char.IsAsciiLetter(word[1]) || (word[1] == '-' && word.Length > 2)) && !word.Any(char.IsWhiteSpace);
}
