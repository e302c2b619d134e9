using System.Net;
using UnifiedImageGen.Security.Tests.Harness;

namespace UnifiedImageGen.Security.Tests;

/// <summary>
/// A provider (or whoever controls its answers) names the URL the SDK downloads a result from: the downloader refuses
/// anything but public https, follows redirects only to such places, and refuses absurd sizes without reading them.
/// </summary>
public class ResultUrlTests
{
    public static TheoryData<string, string> UnsafeUrls()
    {
        var data = new TheoryData<string, string>();
        foreach (string provider in ProviderHost.UrlResults)
        {
            foreach (string url in new[]
            {
                "http://cdn.example.com/a.png", "file:///etc/passwd", "https://127.0.0.1/a.png", "https://localhost/a.png",
                "https://169.254.169.254/latest/meta-data/iam/security-credentials/", "https://10.0.0.7/a.png", "https://192.168.1.1/a.png",
                "https://172.16.5.4/a.png", "https://[::1]/a.png", "https://[fd00::1]/a.png", "https://[::ffff:169.254.169.254]/a.png",
                "https://0.0.0.0/a.png", "https://user:pass@cdn.example.com/a.png",
            })
            {
                data.Add(provider, url);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(UnsafeUrls))]
    public async Task ResultUrl_ToUnsafePlaces_IsRefused_WithoutFetchingIt(string provider, string url)
    {
        using var host = new ProviderHost(provider);
        host.Server.ImageUrl = url;
        var ex = await Assert.ThrowsAsync<ImageGenerationException>(() => host.Run(host.Provider.GenerateAsync(ProviderHost.Valid(provider))));
        Assert.Equal(ImageGenerationErrorKind.UnexpectedResponse, ex.Kind);
        Assert.Matches("only https|local or private|credentials", ex.Message);
        var target = new Uri(url);
        Assert.DoesNotContain(host.Server.Requests, r => r.Uri.Host == target.Host && r.Uri.Scheme == target.Scheme);
    }

    [Theory]
    [MemberData(nameof(UrlProviders))]
    public async Task ResultUrl_ThatIsNotAnAbsoluteUrl_IsUnexpectedResponse_NotACrash(string provider)
    {
        foreach (string url in new[] { "not a url", "/relative/a.png", "https://", "cdn.example.com/a.png", "https://cdn.example.com:99999/a.png" })
        {
            using var host = new ProviderHost(provider);
            host.Server.ImageUrl = url;
            var ex = await Hostile.Catch(() => host.Run(host.Provider.GenerateAsync(ProviderHost.Valid(provider))));
            var typed = Assert.IsType<ImageGenerationException>(ex, exactMatch: false);
            Assert.Equal(ImageGenerationErrorKind.UnexpectedResponse, typed.Kind);
        }
    }

    public static TheoryData<string> UrlProviders() => [.. ProviderHost.UrlResults];

    [Theory]
    [MemberData(nameof(UrlProviders))]
    public async Task Redirect_ToMetadataServiceOrLoopback_IsRefused(string provider)
    {
        foreach (string target in new[] { "https://169.254.169.254/latest/meta-data/", "http://cdn.example.com/b.png", "https://127.0.0.1:8080/admin", "file:///etc/shadow" })
        {
            using var host = new ProviderHost(provider);
            host.Server.Override = (request, _) => request.RequestUri!.Host == "cdn.example.com" && request.RequestUri.Scheme == "https"
                ? Task.FromResult(new HttpResponseMessage(HttpStatusCode.Found) { Headers = { Location = new Uri(target) } })
                : null;
            var ex = await Assert.ThrowsAsync<ImageGenerationException>(() => host.Run(host.Provider.GenerateAsync(ProviderHost.Valid(provider))));
            Assert.Equal(ImageGenerationErrorKind.UnexpectedResponse, ex.Kind);
            Assert.Single(host.Server.Requests, r => r.Uri.Host == "cdn.example.com");
            Assert.DoesNotContain(host.Server.Requests, r => r.Uri.Host is "169.254.169.254" or "127.0.0.1" || r.Uri.Scheme is "http" or "file");
        }
    }

    [Theory]
    [MemberData(nameof(UrlProviders))]
    public async Task RedirectLoop_StopsAfterTheLimit(string provider)
    {
        using var host = new ProviderHost(provider);
        int hops = 0;
        host.Server.Override = (request, _) => request.RequestUri!.Host == "cdn.example.com"
            ? Task.FromResult(new HttpResponseMessage(HttpStatusCode.TemporaryRedirect) { Headers = { Location = new Uri($"https://cdn.example.com/hop/{Interlocked.Increment(ref hops)}") } })
            : null;
        var ex = await Assert.ThrowsAsync<ImageGenerationException>(() => host.Run(host.Provider.GenerateAsync(ProviderHost.Valid(provider))));
        Assert.Contains("redirected more than", ex.Message);
        Assert.True(hops <= 6, $"{hops} hops");
    }

    [Theory]
    [MemberData(nameof(UrlProviders))]
    public async Task ImageClaimingTenGigabytes_IsRefusedByContentLength_WithoutReading(string provider)
    {
        using var host = new ProviderHost(provider);
        var huge = new Hostile.ClaimingContent(10L * 1024 * 1024 * 1024, "image/png");
        host.Server.Override = (request, _) => request.RequestUri!.Host == "cdn.example.com"
            ? Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = huge })
            : null;
        long before = GC.GetAllocatedBytesForCurrentThread();
        var ex = await Assert.ThrowsAsync<ImageGenerationException>(() => host.Run(host.Provider.GenerateAsync(ProviderHost.Valid(provider))));
        Assert.Equal(ImageGenerationErrorKind.UnexpectedResponse, ex.Kind);
        Assert.Contains("10,737,418,240", ex.Message);
        Assert.False(huge.Read);
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 64 * 1024 * 1024, "a buffer for the claimed size was allocated");
        Assert.True(host.Server.AllResponsesDisposed, "a refused response was left undisposed");
    }

    [Theory]
    [MemberData(nameof(ApiProviders))]
    public async Task ApiAnswerClaimingTenGigabytes_IsRefusedByContentLength_WithoutReading(string provider)
    {
        using var host = new ProviderHost(provider);
        var huge = new Hostile.ClaimingContent(10L * 1024 * 1024 * 1024, provider is "stability" ? "image/png" : "application/json");
        host.Server.Override = (request, _) => request.RequestUri!.Host != "cdn.example.com" && !request.RequestUri.Host.Contains("adobelogin", StringComparison.Ordinal) && request.Method == HttpMethod.Post
            ? Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = huge })
            : null;
        var ex = await Assert.ThrowsAsync<ImageGenerationException>(() => host.Run(host.Provider.GenerateAsync(ProviderHost.Valid(provider))));
        Assert.Equal(ImageGenerationErrorKind.UnexpectedResponse, ex.Kind);
        Assert.False(huge.Read);
        Assert.True(host.Server.AllResponsesDisposed, "a refused response was left undisposed");
    }

    public static TheoryData<string> ApiProviders() => [.. ProviderHost.Http];

    [Fact]
    public async Task AllowedHost_OptsInToAPrivateDownload()
    {
        using var host = new ProviderHost("replicate", configure: o => o.Download.AllowedHosts.Add("10.0.0.7"));
        host.Server.ImageUrl = "https://10.0.0.7/a.png";
        var result = await host.Run(host.Provider.GenerateAsync(ProviderHost.Valid("replicate")));
        Assert.Equal("10.0.0.7", result.Images[0].SourceUri!.Host);
    }
}
