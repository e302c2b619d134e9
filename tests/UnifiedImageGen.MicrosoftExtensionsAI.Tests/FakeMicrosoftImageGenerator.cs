using Microsoft.Extensions.AI;

namespace UnifiedImageGen.MicrosoftExtensionsAI.Tests;

/// <summary>A Microsoft.Extensions.AI image generator that answers from a script and records what it was asked.</summary>
internal sealed class FakeMicrosoftImageGenerator(
    Func<Microsoft.Extensions.AI.ImageGenerationRequest, ImageGenerationOptions?, CancellationToken, Task<ImageGenerationResponse>> respond,
    Microsoft.Extensions.AI.ImageGeneratorMetadata? metadata = null) : Microsoft.Extensions.AI.IImageGenerator
{
    public List<(Microsoft.Extensions.AI.ImageGenerationRequest Request, ImageGenerationOptions? Options)> Calls { get; } = [];

    public bool Disposed { get; private set; }

    public static FakeMicrosoftImageGenerator Returning(params AIContent[] contents) =>
        new((_, _, _) => Task.FromResult(new ImageGenerationResponse(contents)));

    public static FakeMicrosoftImageGenerator Throwing(Exception exception) =>
        new((_, _, _) => Task.FromException<ImageGenerationResponse>(exception));

    public Task<ImageGenerationResponse> GenerateAsync(Microsoft.Extensions.AI.ImageGenerationRequest request, ImageGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        Calls.Add((request, options));
        return respond(request, options, cancellationToken);
    }

    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceKey is not null ? null
        : serviceType == typeof(Microsoft.Extensions.AI.ImageGeneratorMetadata) ? metadata
        : serviceType.IsInstanceOfType(this) ? this
        : null;

    public void Dispose() => Disposed = true;
}
