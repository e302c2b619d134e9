using UnifiedImageGen.Testing;

namespace UnifiedImageGen.Reliability.Tests.Infrastructure;

/// <summary>
/// docs/reliability.md is made of generated sections, each between <c>&lt;!-- begin:{name} --&gt;</c> and
/// <c>&lt;!-- end:{name} --&gt;</c> and owned by one test. A test checks that its section matches what it produced;
/// with <c>UPDATE_DOCS=1</c> it rewrites the section (appended at the end when the markers are missing).
/// </summary>
internal static class ReliabilityDoc
{
    // Test classes run in parallel and share the file.
    private static readonly SemaphoreSlim Gate = new(1, 1);

    /// <summary>Checks (or, with UPDATE_DOCS=1, writes) one section of docs/reliability.md.</summary>
    /// <param name="name">The section's marker name, such as <c>fault-matrix</c>.</param>
    /// <param name="markdown">What the test produced for it.</param>
    public static async Task CheckSectionAsync(string name, string markdown)
    {
        string begin = $"<!-- begin:{name} -->\n", end = $"<!-- end:{name} -->\n";
        string section = begin + markdown.ReplaceLineEndings("\n").TrimEnd('\n') + "\n" + end;
        string path = Path.Combine(RepositoryFiles.Root(typeof(ReliabilityDoc).Assembly), "docs", "reliability.md");
        await Gate.WaitAsync();
        try
        {
            string document = File.Exists(path) ? (await File.ReadAllTextAsync(path)).ReplaceLineEndings("\n") : "";
            int start = document.IndexOf(begin, StringComparison.Ordinal);
            int stop = start < 0 ? -1 : document.IndexOf(end, start, StringComparison.Ordinal);
            string? committed = stop < 0 ? null : document[start..(stop + end.Length)];
            if (Environment.GetEnvironmentVariable("UPDATE_DOCS") == "1" && committed != section)
            {
                document = committed is null
                    ? (document.Length == 0 ? "" : document.TrimEnd('\n') + "\n\n") + section
                    : document[..start] + section + document[(stop + end.Length)..];
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                await File.WriteAllTextAsync(path, document);
                committed = section;
            }

            Assert.True(committed is not null, $"docs/reliability.md has no '{name}' section: run the Reliability tests with UPDATE_DOCS=1 and commit the result.");
            Assert.True(committed == section, $"The '{name}' section of docs/reliability.md differs from what the tests produce: run them with UPDATE_DOCS=1 and commit the result.");
        }
        finally
        {
            Gate.Release();
        }
    }
}
