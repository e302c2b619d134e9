namespace UnifiedImageGen.Emulator;

/// <summary>Response bodies recorded from the real APIs (tests/*/Recordings), embedded in this assembly.</summary>
internal static class Recordings
{
    /// <summary>A recorded body.</summary>
    /// <param name="provider">The provider folder, such as <c>"OpenAI"</c>.</param>
    /// <param name="file">The file name.</param>
    public static string Load(string provider, string file)
    {
        using var stream = typeof(Recordings).Assembly.GetManifestResourceStream($"Recordings.{provider}.{file}")
            ?? throw new InvalidOperationException($"No recording {provider}/{file} is embedded.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
