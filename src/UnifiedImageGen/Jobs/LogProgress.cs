using System.Globalization;
using System.Text.RegularExpressions;

namespace UnifiedImageGen.Jobs;

/// <summary>Reads progress out of model logs: the last tqdm bar (<c>45%|████▌ | 13/28</c>) or <c>step 13/28</c>.</summary>
public static partial class LogProgress
{
    /// <summary>The latest progress the logs show, from 0 to 1, or null.</summary>
    /// <param name="logs">The log text.</param>
    public static double? Parse(string? logs)
    {
        if (string.IsNullOrEmpty(logs))
        {
            return null;
        }

        var steps = StepPattern().Matches(logs);
        for (int i = steps.Count - 1; i >= 0; i--)
        {
            var match = steps[i];
            if (int.TryParse(match.Groups["done"].ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture, out int done)
                && int.TryParse(match.Groups["total"].ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture, out int total) && total > 0 && done <= total)
            {
                return (double)done / total;
            }
        }

        var percents = PercentPattern().Matches(logs);
        return percents.Count > 0 && int.TryParse(percents[^1].Groups["percent"].ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture, out int percent) && percent <= 100
            ? percent / 100d
            : null;
    }

    [GeneratedRegex(@"(?<percent>\d{1,3})%\|", RegexOptions.CultureInvariant)]
    private static partial Regex PercentPattern();

    [GeneratedRegex(@"\|\s*(?<done>\d+)/(?<total>\d+)\s*\[|\bstep\s+(?<done>\d+)\s*/\s*(?<total>\d+)", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase)]
    private static partial Regex StepPattern();
}
