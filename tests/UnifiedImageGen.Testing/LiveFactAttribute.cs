using Xunit;

namespace UnifiedImageGen.Testing;

/// <summary>A fact that runs only when an environment variable (an API key) is set; otherwise it is skipped, saying which.</summary>
public sealed class LiveFactAttribute : FactAttribute
{
    public LiveFactAttribute(string environmentVariable)
    {
        if (string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable(environmentVariable)))
        {
            Skip = $"Live test: set {environmentVariable} to run it against the real API.";
        }
    }
}
