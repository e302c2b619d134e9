using System.Net;
using System.Text;
using System.Text.Json;
using UnifiedImageGen.Http;
using UnifiedImageGen.Testing;

namespace UnifiedImageGen.Tests.Http;

public class DownloadAndDecodeTests
{
    private static readonly byte[] Png = TestImages.Png(16, 16);

    private static HttpResponseMessage Image(byte[] data, string contentType = "image/png")
    {
        var content = new ByteArrayContent(data);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(contentType);
        return new HttpResponseMessage(HttpStatusCode.OK) { Content = content };
    }

    [Fact]
    public async Task Download_ReturnsExactBytesAndSniffedType()
    {
        var server = new ScriptedHandler().Then(() => Image(Png, "application/octet-stream"));
        var downloader = new ImageDownloader(new HttpClient(server), providerName: "fal");
        var image = await downloader.DownloadAsync(new Uri("https://v3.fal.media/files/x.png"));
        Assert.Equal(Png, image.Data);
        Assert.Equal("image/png", image.MediaType);
        Assert.Equal("GET", server.Requests.Single().Method.Method);
    }

    [Theory]
    [InlineData("http://cdn.example.com/a.png", "only https")]
    [InlineData("file:///etc/passwd", "only https")]
    [InlineData("https://127.0.0.1/a.png", "local or private")]
    [InlineData("https://localhost/a.png", "local or private")]
    [InlineData("https://169.254.169.254/latest/meta-data", "local or private")]
    [InlineData("https://10.1.2.3/a.png", "local or private")]
    [InlineData("https://192.168.0.1/a.png", "local or private")]
    [InlineData("https://[::1]/a.png", "local or private")]
    [InlineData("https://user:pass@cdn.example.com/a.png", "credentials")]
    public async Task Download_RefusesUnsafeUrlsBeforeAnyRequest(string url, string expected)
    {
        var server = new ScriptedHandler().Then(() => Image(Png));
        var ex = await Assert.ThrowsAsync<ImageGenerationException>(() => new ImageDownloader(new HttpClient(server)).DownloadAsync(new Uri(url)));
        Assert.Contains(expected, ex.Message);
        Assert.Equal(0, server.Count);
    }

    [Fact]
    public async Task Download_AllowedHost_MayBeLoopbackHttp()
    {
        var server = new ScriptedHandler().Then(() => Image(Png));
        var options = new ImageDownloadOptions();
        options.AllowedHosts.Add("127.0.0.1");
        var image = await new ImageDownloader(new HttpClient(server), options).DownloadAsync(new Uri("http://127.0.0.1:8188/view?filename=x.png"));
        Assert.Equal(Png.Length, image.Data.Length);
    }

    [Fact]
    public async Task Download_RedirectToPrivateAddress_IsRefused()
    {
        var server = new ScriptedHandler().Then(() =>
        {
            var redirect = new HttpResponseMessage(HttpStatusCode.Found);
            redirect.Headers.Location = new Uri("https://169.254.169.254/latest/meta-data/iam");
            return redirect;
        });
        var ex = await Assert.ThrowsAsync<ImageGenerationException>(() => new ImageDownloader(new HttpClient(server)).DownloadAsync(new Uri("https://cdn.example.com/a.png")));
        Assert.Contains("local or private", ex.Message);
        Assert.Equal(1, server.Count);
    }

    [Theory]
    [InlineData(HttpStatusCode.NotFound)]
    [InlineData(HttpStatusCode.Forbidden)]
    public async Task Download_ExpiredUrl_SaysSo(HttpStatusCode status)
    {
        var server = new ScriptedHandler().ThenStatus(status, "<Error>AccessDenied</Error>");
        var ex = await Assert.ThrowsAsync<ImageGenerationException>(() => new ImageDownloader(new HttpClient(server), providerName: "openai").DownloadAsync(new Uri("https://oaidalleapiprodscus.blob.core.windows.net/x.png?sig=SECRET")));
        Assert.Equal(ImageGenerationErrorKind.UnexpectedResponse, ex.Kind);
        Assert.Contains("expired or is gone", ex.Message);
        Assert.DoesNotContain("SECRET", ex.Message);
    }

    [Fact]
    public async Task Download_TooLargeByContentLength_IsRefusedBeforeReading()
    {
        var server = new ScriptedHandler().Then(() =>
        {
            var response = Image(Png);
            response.Content.Headers.ContentLength = 10L * 1024 * 1024 * 1024;
            return response;
        });
        var ex = await Assert.ThrowsAsync<ImageGenerationException>(() => new ImageDownloader(new HttpClient(server)).DownloadAsync(new Uri("https://cdn.example.com/a.png")));
        Assert.Contains("limit is 67,108,864 bytes", ex.Message);
    }

    [Fact]
    public async Task Download_WrongContentTypeOrNotAnImage_IsRefused()
    {
        var html = new ScriptedHandler().Then(() => Image("<html></html>"u8.ToArray(), "text/html"));
        Assert.Contains("not an image", (await Assert.ThrowsAsync<ImageGenerationException>(() => new ImageDownloader(new HttpClient(html)).DownloadAsync(new Uri("https://cdn.example.com/a.png")))).Message);
        var lying = new ScriptedHandler().Then(() => Image("garbage"u8.ToArray(), "image/png"));
        Assert.Contains("is not an image (no known image format, 7 bytes)", (await Assert.ThrowsAsync<ImageGenerationException>(() => new ImageDownloader(new HttpClient(lying)).DownloadAsync(new Uri("https://cdn.example.com/a.png")))).Message);
    }

    [Theory]
    [InlineData("127.0.0.1", true)]
    [InlineData("10.0.0.1", true)]
    [InlineData("172.16.5.4", true)]
    [InlineData("172.32.0.1", false)]
    [InlineData("192.168.1.1", true)]
    [InlineData("169.254.169.254", true)]
    [InlineData("100.64.0.1", true)]
    [InlineData("0.0.0.0", true)]
    [InlineData("8.8.8.8", false)]
    [InlineData("::1", true)]
    [InlineData("fe80::1", true)]
    [InlineData("fd00::1", true)]
    [InlineData("::ffff:10.0.0.1", true)]
    [InlineData("2606:4700::1111", false)]
    [InlineData("198.18.0.1", true)]
    [InlineData("192.0.0.8", true)]
    [InlineData("64:ff9b::a00:1", true)]
    [InlineData("64:ff9b::808:808", false)]
    [InlineData("2002:a00:1::1", true)]
    [InlineData("2002:808:808::1", false)]
    [InlineData("::ffff:0:a00:1", true)]
    public void IsPrivate_ClassifiesAddresses(string address, bool expected) =>
        Assert.Equal(expected, ImageDownloader.IsPrivate(IPAddress.Parse(address)));

    [Fact]
    public async Task GuardedHandler_RefusesToConnectToLoopbackByName()
    {
        using var client = new HttpClient(ImageDownloader.CreateGuardedHandler(new ImageDownloadOptions()));
        var ex = await Assert.ThrowsAsync<ImageGenerationException>(() => client.GetAsync("http://127.0.0.1:9/"));
        Assert.Equal(ImageGenerationErrorKind.UnexpectedResponse, ex.Kind);
        Assert.Contains("local or private", ex.Message);
        Assert.Contains("127.0.0.0/8 (loopback", ex.Message);
    }

    [Fact]
    public void Base64_DecodesExactSize_FromUtf8()
    {
        // Lengths 57, 58 and 59 give base64 with no, two and one padding characters.
        foreach (int length in new[] { 57, 58, 59, 999, 1000 })
        {
            byte[] image = AllocationProbe.RandomImage(length, seed: length);
            byte[] decoded = Base64Image.Decode(Encoding.ASCII.GetBytes(Convert.ToBase64String(image)));
            Assert.Equal(image, decoded);
        }

        byte[] unpadded = AllocationProbe.RandomImage(58, seed: 1);
        Assert.Equal(unpadded, Base64Image.Decode(Encoding.ASCII.GetBytes(Convert.ToBase64String(unpadded).TrimEnd('='))));
        byte[] wrapped = AllocationProbe.RandomImage(200, seed: 2);
        Assert.Equal(wrapped, Base64Image.Decode(Encoding.ASCII.GetBytes(Convert.ToBase64String(wrapped, Base64FormattingOptions.InsertLineBreaks))));
    }

    [Fact]
    public void Base64_FromJsonReader_HandlesEscapedSlashes()
    {
        byte[] data = AllocationProbe.RandomImage(300, seed: 5);
        string base64 = Convert.ToBase64String(data);
        Assert.Contains('/', base64);
        var json = Encoding.UTF8.GetBytes("{\"b64_json\":\"" + base64.Replace("/", "\\/") + "\"}");
        var reader = new Utf8JsonReader(json);
        reader.Read();
        reader.Read();
        reader.Read();
        Assert.Equal(data, Base64Image.Decode(ref reader));
    }

    [Fact]
    public void ImageValidator_AcceptsWholeImages_AndRefusesWhatOnlyLooksLikeOne()
    {
        byte[] png = UnifiedImageGen.Imaging.PngEncoder.Encode(new byte[3 * 2 * 4], 3, 2);
        Assert.Equal("image/png", UnifiedImageGen.Imaging.ImageValidator.Identify(png));
        Assert.Equal("image/png", UnifiedImageGen.Imaging.ImageValidator.Identify(AllocationProbe.RandomImage(100, seed: 3)));
        Assert.Null(UnifiedImageGen.Imaging.ImageValidator.Identify(png[..^1]));
        Assert.Null(UnifiedImageGen.Imaging.ImageValidator.Identify([.. png[..33], .. new byte[50]]));
        Assert.Null(UnifiedImageGen.Imaging.ImageValidator.Identify(new byte[64]));
        Assert.Null(UnifiedImageGen.Imaging.ImageValidator.Identify("<!DOCTYPE html><html></html>"u8));
        Assert.Null(UnifiedImageGen.Imaging.ImageValidator.Identify([0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, 1, 2, 3, 4]));
    }

    [Fact]
    public async Task Download_ThatBreaksMidBody_IsTransientProviderUnavailable()
    {
        // Half an image, then the connection drops (SocketsHttpHandler raises HttpIOException, an IOException).
        var breaking = new ScriptedHandler().Then(() => new HttpResponseMessage(HttpStatusCode.OK)
        {
            Content = new StreamContent(new BreakingStream(Png[..(Png.Length / 2)])) { Headers = { ContentType = new("image/png"), ContentLength = Png.Length } },
        });
        var ex = await Assert.ThrowsAsync<ImageGenerationException>(() => new ImageDownloader(new HttpClient(breaking)).DownloadAsync(new Uri("https://cdn.example.com/a.png")));
        Assert.Equal(ImageGenerationErrorKind.ProviderUnavailable, ex.Kind);
        Assert.True(ex.IsTransient);
    }

    private sealed class BreakingStream(byte[] first) : MemoryStream(first)
    {
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            Position < Length ? base.ReadAsync(buffer, cancellationToken) : ValueTask.FromException<int>(new HttpIOException(HttpRequestError.ResponseEnded));
    }

    [Fact]
    public void Base64_Invalid_IsUnexpectedResponse()
    {
        var ex = Assert.Throws<ImageGenerationException>(() => Base64Image.Decode("!!!not base64!!!"u8));
        Assert.Equal(ImageGenerationErrorKind.UnexpectedResponse, ex.Kind);
    }

    [Fact]
    public void DataUri_IsDecoded()
    {
        byte[] decoded = Base64Image.DecodeDataUri("data:image/png;base64," + Convert.ToBase64String(Png), out string mediaType);
        Assert.Equal(Png, decoded);
        Assert.Equal("image/png", mediaType);
        Assert.Throws<ImageGenerationException>(() => Base64Image.DecodeDataUri("data:text/plain,hello", out _));
    }

    [Fact]
    public async Task UserAgent_IsAddedWhenMissing()
    {
        var server = new ScriptedHandler().ThenStatus(HttpStatusCode.OK);
        var client = new HttpClient(new UserAgentHandler("openai") { InnerHandler = server });
        await client.GetAsync("https://api.example.com/");
        Assert.Matches(@"^UnifiedImageGen/\d+\.\d+\.\d+ \(openai; \.NET \d+", server.Requests.Single().Header("User-Agent"));
    }
}
