using UnifiedImageGen.Testing;

namespace UnifiedImageGen.Documentation.Tests;

/// <summary>
/// .ci/run executes the README's quick start and samples blocks line by line; these tests keep those blocks complete,
/// so a new sample or a changed quick start cannot slip past CI by not being written down. They assert no provider's
/// wire format; their source is this repository's own README and the CLI README.
/// </summary>
public class ReadmeCommandTests
{
    private static readonly string Root = RepositoryFiles.Root();
    private static readonly string Readme = File.ReadAllText(Path.Combine(Root, "README.md"));

    [Fact]
    public void QuickStart_IsTheSampleThenTheTestCommand()
    {
        string[] commands = CommandsAfter(Readme, "## Quick start");

        Assert.Equal(2, commands.Length);
        Assert.StartsWith("dotnet run --project samples/Sample01_QuickStart ", commands[0], StringComparison.Ordinal);
        Assert.Equal("dotnet test UnifiedImageGen.sln", commands[1]);
    }

    [Fact]
    public void EverySample_IsRunByTheReadme()
    {
        string[] commands = [.. CommandsAfter(Readme, "## Quick start"), .. CommandsAfter(Readme, "## Samples")];
        string[] samples = Directory.GetDirectories(Path.Combine(Root, "samples")).Select(Path.GetFileName).OfType<string>().ToArray();

        Assert.NotEmpty(samples);
        Assert.All(samples, sample => Assert.Contains(commands, c => c.StartsWith($"dotnet run --project samples/{sample}", StringComparison.Ordinal)));
    }

    [Fact]
    public void TheCliReadme_ShowsHowToRunTheToolFromSource()
    {
        string cliReadme = File.ReadAllText(Path.Combine(Root, "src", "UnifiedImageGen.Cli", "README.md"));

        Assert.Contains("dotnet run --project src/UnifiedImageGen.Cli -- providers", CommandsAfter(cliReadme, "## Running from a clone of the repository"));
    }

    // The command lines of the first fenced block after the heading, trailing comments removed (as .ci/run reads them).
    private static string[] CommandsAfter(string markdown, string heading)
    {
        string[] lines = markdown.ReplaceLineEndings("\n").Split('\n');
        int start = Array.IndexOf(lines, heading);
        Assert.True(start >= 0, $"The heading '{heading}' is missing.");
        int open = Array.FindIndex(lines, start + 1, l => l.StartsWith("```", StringComparison.Ordinal));
        int close = Array.FindIndex(lines, open + 1, l => l.StartsWith("```", StringComparison.Ordinal));
        return lines[(open + 1)..close]
            .Where(l => l.Trim().Length > 0 && !l.TrimStart().StartsWith('#'))
            .Select(l => (l.IndexOf("  #", StringComparison.Ordinal) is int hash and >= 0 ? l[..hash] : l).Trim())
            .ToArray();
    }
}
