using System.Collections.Concurrent;

namespace UnifiedImageGen.Testing;

/// <summary>A generator that answers from a script and records the requests it gets, for router and decorator tests.</summary>
public sealed class ScriptedImageGenerator : IImageGenerator
{
    private readonly Func<ImageGenerationRequest, int, CancellationToken, Task<ImageGenerationResult>> _respond;
    private int _calls;

    public ScriptedImageGenerator(string providerName = "scripted", Func<ImageGenerationRequest, int, CancellationToken, Task<ImageGenerationResult>>? respond = null, params ImageModelDescriptor[] models)
    {
        models = models.Length == 0 ? [ImageModelDescriptor.Permissive("model-1", maxImagesPerCall: 4)] : models;
        Metadata = new ImageGeneratorMetadata(providerName, null, models[0].Id, models);
        _respond = respond ?? ((request, _, _) => Task.FromResult(Result(providerName, request)));
    }

    public ImageGeneratorMetadata Metadata { get; }

    public ConcurrentQueue<ImageGenerationRequest> Requests { get; } = new();

    public int Calls => Volatile.Read(ref _calls);

    public Task<ImageGenerationResult> GenerateAsync(ImageGenerationRequest request, CancellationToken cancellationToken = default)
    {
        Requests.Enqueue(request);
        int call = Interlocked.Increment(ref _calls);
        return _respond(request, call, cancellationToken);
    }

    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceKey is null && serviceType.IsInstanceOfType(this) ? this : null;

    /// <summary>A result with one tiny PNG per requested image.</summary>
    public static ImageGenerationResult Result(string provider, ImageGenerationRequest request) => new()
    {
        Images = Enumerable.Range(0, request.Count).Select(i => new GeneratedImage { Data = new byte[] { 0x89, 0x50, 0x4E, 0x47, (byte)i }, MediaType = "image/png", Seed = i }).ToArray(),
        Provider = provider,
        Model = request.Model ?? "model-1",
    };
}
