using UnifiedImageGen.Testing;

namespace UnifiedImageGen.Documentation.Tests;

/// <summary>Every C# block in the README must appear, line for line, in <see cref="ReadmeSnippets"/>, which compiles.</summary>
public class ReadmeSnippetTests
{
    [Fact]
    public void EveryCSharpBlockInTheReadme_IsCompiledInReadmeSnippets()
    {
        string root = RepositoryFiles.Root();
        string[] snippets = Lines(File.ReadAllText(Path.Combine(root, "tests", "UnifiedImageGen.Documentation.Tests", "ReadmeSnippets.cs")));
        var blocks = CSharpBlocks(File.ReadAllText(Path.Combine(root, "README.md"))).ToArray();

        Assert.NotEmpty(blocks);
        foreach (string block in blocks)
        {
            // using directives live at the top of the snippets file; the rest must appear as one run of lines.
            string[] lines = Lines(block);
            string[] usings = lines.Where(l => l.StartsWith("using ", StringComparison.Ordinal)).ToArray();
            string[] code = lines.Where(l => !l.StartsWith("using ", StringComparison.Ordinal)).ToArray();
            Assert.All(usings, u => Assert.Contains(u, snippets));
            Assert.True(Contains(snippets, code), "This README block is not in ReadmeSnippets.cs (so it is not compiled):\n" + block);
        }
    }

    private static IEnumerable<string> CSharpBlocks(string markdown)
    {
        string[] lines = markdown.ReplaceLineEndings("\n").Split('\n');
        for (int i = 0; i < lines.Length; i++)
        {
            if (lines[i].Trim() == "```csharp")
            {
                int end = Array.FindIndex(lines, i + 1, l => l.Trim() == "```");
                yield return string.Join("\n", lines[(i + 1)..end]);
                i = end;
            }
        }
    }

    private static string[] Lines(string text) =>
        text.ReplaceLineEndings("\n").Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0).ToArray();

    private static bool Contains(string[] haystack, string[] run) =>
        Enumerable.Range(0, Math.Max(0, haystack.Length - run.Length + 1)).Any(start => haystack.AsSpan(start, run.Length).SequenceEqual(run));
}
