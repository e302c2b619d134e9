namespace UnifiedImageGen.Testing;

/// <summary>Real-time limits of the suite. They only turn a hang into a failure: no test asserts how fast anything runs.</summary>
public static class TestTimeouts
{
    /// <summary>
    /// How long a test waits on real time for something that takes milliseconds when it works (a cancelled call to
    /// end, a background poll to start, a clock-driven call to move). Generous, so a slow or busy machine (CI runs
    /// several test assemblies at once on 2 cores, in Debug) never fails a correct test; speed is the benchmarks' job.
    /// </summary>
    public static readonly TimeSpan Hang = TimeSpan.FromSeconds(60);
}
