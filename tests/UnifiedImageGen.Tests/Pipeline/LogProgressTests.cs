using UnifiedImageGen.Jobs;

namespace UnifiedImageGen.Tests.Pipeline;

public class LogProgressTests
{
    [Theory]
    [InlineData("Using seed: 1\n  4%|▍         | 1/28 [00:00<00:04,  6.5it/s]\n 45%|████▌     | 13/28 [00:02<00:02,  6.12it/s]", 13d / 28)]
    [InlineData("step 7/20", 0.35)]
    [InlineData("progress 80%|########", 0.8)]
    [InlineData("no progress here", null)]
    [InlineData("", null)]
    public void Parse_ReadsTheLatestProgress(string logs, double? expected) =>
        Assert.Equal(expected, LogProgress.Parse(logs));
}
