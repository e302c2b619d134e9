using System.Text;
using BenchmarkDotNet.Attributes;
using UnifiedImageGen.Http;

namespace UnifiedImageGen.Benchmarks;

/// <summary>
/// Decoding a 1.5 MB image from the UTF-8 base64 of a JSON body: the core's span decoder into one exact-size array,
/// against the usual string-based path (UTF-8 to string, then Convert.FromBase64String).
/// </summary>
[MemoryDiagnoser]
public class Base64DecodeBenchmarks
{
    private byte[] _image = [];
    private byte[] _utf8Base64 = [];

    [GlobalSetup]
    public void Setup()
    {
        _image = Payloads.Image(1_500_000);
        _utf8Base64 = Encoding.ASCII.GetBytes(Convert.ToBase64String(_image));
        if (!Base64Image.Decode(_utf8Base64).AsSpan().SequenceEqual(_image) || !ViaString().AsSpan().SequenceEqual(_image))
        {
            throw new InvalidOperationException("A decoder did not return the original bytes.");
        }
    }

    [Benchmark(Baseline = true)]
    public byte[] ViaString() => Convert.FromBase64String(Encoding.ASCII.GetString(_utf8Base64));

    [Benchmark]
    public byte[] FromUtf8Span() => Base64Image.Decode(_utf8Base64);
}
