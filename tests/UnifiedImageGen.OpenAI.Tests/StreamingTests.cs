using System.Net;
using System.Text;
using UnifiedImageGen.Testing;
using static UnifiedImageGen.OpenAI.Tests.Recordings;

namespace UnifiedImageGen.OpenAI.Tests;

public class StreamingTests
{
    private static HttpResponseMessage EventStream(Stream body)
    {
        var content = new StreamContent(body);
        content.Headers.ContentType = new("text/event-stream");
        var response = new HttpResponseMessage(HttpStatusCode.OK) { Content = content };
        response.Headers.TryAddWithoutValidation("x-request-id", "req_stream");
        return response;
    }

    [Fact]
    public async Task Stream_YieldsPartialImagesThenTheFinalResult()
    {
        var (generator, server) = Create();
        server.Then(() => EventStream(new MemoryStream(Encoding.UTF8.GetBytes(Text("gpt-image-1.stream.txt")))));
        var request = new ImageGenerationRequest("a fox") { Model = "gpt-image-1" }.WithProviderOptions("openai", new OpenAIRequestOptions { PartialImages = 2 });

        var updates = new List<ImageGenerationUpdate>();
        await foreach (var update in generator.GenerateStreamingAsync(request))
        {
            updates.Add(update);
        }

        var sent = server.Requests.Single();
        Assert.Equal("text/event-stream", sent.Header("Accept"));
        AssertJson("""{"prompt":"a fox","model":"gpt-image-1","n":1,"stream":true,"partial_images":2}""", sent);
        Assert.Equal([ImageGenerationUpdateKind.PartialImage, ImageGenerationUpdateKind.PartialImage, ImageGenerationUpdateKind.Completed], updates.Select(u => u.Kind));
        Assert.Equal([0, 1], updates.Take(2).Select(u => u.PartialImageIndex!.Value));
        Assert.Equal(SmallPng, updates[0].PartialImage!.Data.ToArray());
        var result = updates[2].Result!;
        Assert.Equal(Png, result.Image.Data.ToArray());
        Assert.Equal(4360, result.Usage!.OutputTokens);
        Assert.Equal("req_stream", result.ProviderRequestId);
    }

    [Fact]
    public async Task Stream_ThroughTheExtension_FindsTheProvider_AndPlainGeneratorsYieldOneUpdate()
    {
        var (generator, server) = Create();
        server.Then(() => EventStream(new MemoryStream(Encoding.UTF8.GetBytes(Text("gpt-image-1.stream.txt")))));
        IImageGenerator wrapped = new ImageGeneratorBuilder(generator).Use(inner => new PassThrough(inner)).Build();
        int partials = 0;
        await foreach (var update in wrapped.GenerateStreamingAsync(new ImageGenerationRequest("x") { Model = "gpt-image-1" }))
        {
            partials += update.Kind == ImageGenerationUpdateKind.PartialImage ? 1 : 0;
        }

        Assert.Equal(2, partials);

        var dalle = new List<ImageGenerationUpdate>();
        server.Then(() => Json("dall-e-3.generations.json"));
        await foreach (var update in generator.GenerateStreamingAsync(new ImageGenerationRequest("x") { Model = "dall-e-3" }))
        {
            dalle.Add(update);
        }

        Assert.Equal(ImageGenerationUpdateKind.Completed, Assert.Single(dalle).Kind);
        Assert.Null(Body(server.Requests.Last())["stream"]);
    }

    [Fact]
    public async Task Stream_ErrorEvent_BecomesATypedError()
    {
        var (generator, server) = Create();
        const string events = "event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"image_generation_user_error\",\"code\":\"moderation_blocked\",\"message\":\"Your request was rejected by the safety system.\"}}\n\n";
        server.Then(() => EventStream(new MemoryStream(Encoding.UTF8.GetBytes(events))));
        var ex = await Assert.ThrowsAsync<ImageGenerationException>(async () =>
        {
            await foreach (var _ in generator.GenerateStreamingAsync(new ImageGenerationRequest("x") { Model = "gpt-image-1" }))
            {
            }
        });
        Assert.Equal(ImageGenerationErrorKind.ContentPolicy, ex.Kind);
    }

    [Fact]
    public async Task Stream_EndingWithoutTheFinalImage_IsAnError()
    {
        var (generator, server) = Create();
        string onlyPartials = Text("gpt-image-1.stream.txt").Split("event: image_generation.completed")[0];
        server.Then(() => EventStream(new MemoryStream(Encoding.UTF8.GetBytes(onlyPartials))));
        var ex = await Assert.ThrowsAsync<ImageGenerationException>(async () =>
        {
            await foreach (var _ in generator.GenerateStreamingAsync(new ImageGenerationRequest("x") { Model = "gpt-image-1" }))
            {
            }
        });
        Assert.Contains("ended before the final image", ex.Message);
    }

    [Fact]
    public async Task CancellingMidStream_StopsPromptlyAndClosesTheBody()
    {
        var (generator, server) = Create();
        var body = new StallingStream(Encoding.UTF8.GetBytes(Text("gpt-image-1.stream.txt").Split("event: image_generation.partial_image")[1].Insert(0, "event: image_generation.partial_image")));
        server.Then(() => EventStream(body));
        using var cts = new CancellationTokenSource();
        var seen = new List<ImageGenerationUpdateKind>();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var update in generator.GenerateStreamingAsync(new ImageGenerationRequest("x") { Model = "gpt-image-1" }, cts.Token))
            {
                seen.Add(update.Kind);
                await cts.CancelAsync();
            }
        });
        Assert.Equal([ImageGenerationUpdateKind.PartialImage], seen);
        Assert.True(body.Disposed);
    }

    [Fact]
    public async Task ConnectionDroppedMidStream_IsATransientProviderUnavailableError_AfterThePartialImage()
    {
        // SocketsHttpHandler reports a body that ends early as an IOException (HttpIOException) from the stream read.
        var (generator, server) = Create();
        var body = new StallingStream(Encoding.UTF8.GetBytes(Text("gpt-image-1.stream.txt").Split("event: image_generation.partial_image")[1].Insert(0, "event: image_generation.partial_image")), new IOException("The response ended prematurely."));
        server.Then(() => EventStream(body));
        var seen = new List<ImageGenerationUpdateKind>();
        var ex = await Assert.ThrowsAsync<ImageGenerationException>(async () =>
        {
            await foreach (var update in generator.GenerateStreamingAsync(new ImageGenerationRequest("x") { Model = "gpt-image-1" }))
            {
                seen.Add(update.Kind);
            }
        });
        Assert.Equal([ImageGenerationUpdateKind.PartialImage], seen);
        Assert.Equal((ImageGenerationErrorKind.ProviderUnavailable, "openai", "gpt-image-1", true), (ex.Kind, ex.Provider, ex.Model, ex.IsTransient));
        Assert.True(body.Disposed);
    }

    private sealed class PassThrough(IImageGenerator inner) : DelegatingImageGenerator(inner);

    /// <summary>Serves its bytes, then blocks until the read is cancelled, like a model still rendering (or fails, like a dropped connection).</summary>
    private sealed class StallingStream(byte[] first, Exception? failWith = null) : Stream
    {
        private int _position;

        public bool Disposed { get; private set; }

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (_position < first.Length)
            {
                int n = Math.Min(buffer.Length, first.Length - _position);
                first.AsMemory(_position, n).CopyTo(buffer);
                _position += n;
                return n;
            }

            if (failWith is not null)
            {
                throw failWith;
            }

            await Task.Delay(Timeout.Infinite, cancellationToken);
            return 0;
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            Disposed = true;
            base.Dispose(disposing);
        }
    }
}
