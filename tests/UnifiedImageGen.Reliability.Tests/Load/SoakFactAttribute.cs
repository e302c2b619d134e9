namespace UnifiedImageGen.Reliability.Tests.Load;

/// <summary>A fact that runs only when <c>UNIFIEDIMAGEGEN_SOAK=1</c> is set: soak runs take a minute of real time.</summary>
public sealed class SoakFactAttribute : FactAttribute
{
    public const string Variable = "UNIFIEDIMAGEGEN_SOAK";

    public SoakFactAttribute()
    {
        if (Environment.GetEnvironmentVariable(Variable) != "1")
        {
            Skip = $"Soak test: set {Variable}=1 to run it (about 60 s).";
        }
    }
}
