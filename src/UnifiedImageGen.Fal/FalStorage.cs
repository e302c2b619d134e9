using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Nodes;
using UnifiedImageGen.Fal.Wire;
using UnifiedImageGen.Http;
using UnifiedImageGen.Imaging;
using UnifiedImageGen.Providers;
using UnifiedImageGen.Resilience;

namespace UnifiedImageGen.Fal;

/// <summary>
/// Turns input images into what fal endpoints take, URLs: a caller's URL stays as it is, small bytes travel inline as a
/// <c>data:</c> URI, larger bytes are uploaded to fal storage the way fal-js <c>storage.ts</c> does (POST
/// <c>{rest}/storage/upload/initiate?storage_type=fal-cdn-v3</c> with <c>{content_type, file_name}</c> and the key, which
/// answers <c>{upload_url, file_url}</c>; then PUT the bytes to <c>upload_url</c> without the key) and sent as
/// <c>file_url</c>. Inline bytes grow by a third and ride in every queue body fal stores, so large ones go to storage.
/// </summary>
internal sealed class FalStorage(ProviderTransport transport, FalImageGeneratorOptions options)
{
    public async Task<IReadOnlyList<string>> ReferencesAsync(IReadOnlyList<ImageInput> images, string model, CancellationToken cancellationToken)
    {
        var references = new string[images.Count];
        for (int i = 0; i < images.Count; i++)
        {
            var image = images[i];
            references[i] = image.Uri?.AbsoluteUri
                ?? (image.Data.Length <= options.InlineInputMaxBytes
                    ? $"data:{image.MediaType};base64,{Convert.ToBase64String(image.Data.Span)}"
                    : await UploadAsync(image, model, cancellationToken).ConfigureAwait(false));
        }

        return references;
    }

    private async Task<string> UploadAsync(ImageInput image, string model, CancellationToken cancellationToken)
    {
        string extension = image.MediaType.Split('/') is [_, var subtype] ? subtype.Split(';', '+', '-')[0] : "bin";
        using var initiate = new HttpRequestMessage(HttpMethod.Post, new Uri(ImageGenerationHttp.WithTrailingSlash(options.RestEndpoint), "storage/upload/initiate?storage_type=fal-cdn-v3"));
        initiate.Headers.Authorization = new AuthenticationHeaderValue("Key", options.ApiKey);
        initiate.Headers.Accept.ParseAdd("application/json");
        var body = new JsonObject { ["content_type"] = image.MediaType, ["file_name"] = $"input-{Guid.NewGuid():N}.{extension}" };
        initiate.Content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(body, FalJsonContext.Default.JsonObject));
        initiate.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        ImageGenerationResilienceHandler.MarkIdempotent(initiate); // an unused upload slot costs nothing
        var slot = await transport.SendJsonAsync(initiate, FalJsonContext.Default.UploadInitiated, model, cancellationToken).ConfigureAwait(false);
        var uploadUrl = Checked(slot.UploadUrl, "upload_url", model);
        var fileUrl = Checked(slot.FileUrl, "file_url", model);

        // The pre-signed URL carries its own authorization: the fal key must not travel to the storage host.
        using var put = new HttpRequestMessage(HttpMethod.Put, uploadUrl) { Content = new ReadOnlyMemoryContent(image.Data) };
        put.Content.Headers.ContentType = new MediaTypeHeaderValue(image.MediaType);
        ImageGenerationResilienceHandler.MarkIdempotent(put);
        using var response = await transport.SendAsync(put, model, cancellationToken).ConfigureAwait(false);
        return fileUrl.AbsoluteUri;
    }

    // Storage URLs are https; plain http only when the REST endpoint itself is (a local emulator).
    private Uri Checked(string? url, string field, string model) =>
        Uri.TryCreate(url, UriKind.Absolute, out var parsed) && (parsed.Scheme == Uri.UriSchemeHttps || (parsed.Scheme == Uri.UriSchemeHttp && options.RestEndpoint.Scheme == Uri.UriSchemeHttp))
            ? parsed
            : throw new ImageGenerationException(ImageGenerationErrorKind.UnexpectedResponse, $"fal storage answered the upload without a usable https {field}.") { Provider = FalImageGenerator.ProviderName, Model = model };
}
