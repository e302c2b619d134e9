using System.Reflection;

namespace UnifiedImageGen.Testing;

/// <summary>Finds the repository root (the folder holding UnifiedImageGen.sln), for tests that check committed files.</summary>
public static class RepositoryFiles
{
    /// <summary>The repository root: searched above the test assembly's source folder (when recorded) and its output folder.</summary>
    /// <param name="testAssembly">The calling test assembly; its <c>SourceDirectory</c> metadata is used when present.</param>
    public static string Root(Assembly? testAssembly = null)
    {
        string? sources = testAssembly?.GetCustomAttributes<AssemblyMetadataAttribute>().FirstOrDefault(a => a.Key == "SourceDirectory")?.Value;
        foreach (string start in new[] { sources, AppContext.BaseDirectory }.OfType<string>())
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "UnifiedImageGen.sln")))
                {
                    return dir.FullName;
                }
            }
        }

        throw new InvalidOperationException("UnifiedImageGen.sln was not found above " + (sources ?? AppContext.BaseDirectory));
    }
}
