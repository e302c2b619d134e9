using BenchmarkDotNet.Attributes;
using UnifiedImageGen;
using UnifiedImageGen.Placeholder;

namespace UnifiedImageGen.Benchmarks;

/// <summary>The offline provider rendering and PNG-encoding one 1024x1024 image.</summary>
[MemoryDiagnoser]
public class PlaceholderBenchmarks
{
    private readonly PlaceholderImageGenerator _generator = new();
    private readonly ImageGenerationRequest _request = new("a red fox in snow") { Size = new ImageSize(1024, 1024), Seed = 1 };

    [GlobalSetup]
    public void Check()
    {
        var image = _generator.GenerateAsync(_request).GetAwaiter().GetResult().Image;
        if (image.Width != 1024 || image.Data.Length < 1000)
        {
            throw new InvalidOperationException("The placeholder did not render a 1024x1024 PNG.");
        }
    }

    [Benchmark]
    public async Task<int> Placeholder1024() => (await _generator.GenerateAsync(_request)).Image.Data.Length;
}
