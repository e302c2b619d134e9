using System.Net;
using System.Text;
using UnifiedImageGen.AdobeFirefly;
using UnifiedImageGen.BlackForestLabs;
using UnifiedImageGen.Fal;
using UnifiedImageGen.Http;
using UnifiedImageGen.Ideogram;
using UnifiedImageGen.Leonardo;
using UnifiedImageGen.OpenAI;
using UnifiedImageGen.Reliability.Tests.Infrastructure;
using UnifiedImageGen.Replicate;
using UnifiedImageGen.Security.Tests.Harness;

namespace UnifiedImageGen.Reliability.Tests.Guards;

/// <summary>
/// One test class sets <see cref="HttpClient.DefaultProxy"/> (the system proxy): nothing else in this assembly may run
/// beside it.
/// </summary>
[CollectionDefinition(nameof(SystemProxyCollection), DisableParallelization = true)]
public sealed class SystemProxyCollection;

/// <summary>
/// The download guards (issue 19): result URLs go through the guarded client whatever client the API calls use; no
/// proxy unless configured, and then the target is checked; every non-public address range, IPv4 carried in IPv6
/// included, is refused. Each test pins one promise; <see cref="GuardsSection_IsGeneratedFromTheRun"/> runs them all
/// and writes the <c>guards</c> section of docs/reliability.md. Names resolve through
/// <see cref="ImageDownloadOptions.HostResolver"/>, never the machine's DNS; nothing leaves loopback.
/// </summary>
[Collection(nameof(SystemProxyCollection))]
public sealed class GuardTests
{
    private const string Internal = "10.0.0.7";

    /// <summary>Providers whose results come back as URLs the SDK downloads (Google, Stability and ComfyUI answer with bytes).</summary>
    public static TheoryData<string> UrlProviders() => [.. ProviderHost.UrlResults];

    [Theory]
    [MemberData(nameof(UrlProviders))]
    public async Task HttpClientConstructor_DownloadsThroughTheGuardedClient_NotTheCallersClient(string provider) =>
        Assert.Null((await CallersClientAsync(provider)).Failure);

    [Theory]
    [MemberData(nameof(UrlProviders))]
    public async Task DependencyInjection_ResultHostResolvingToAPrivateAddress_IsRefusedWhenConnecting(string provider) =>
        Assert.Null((await DependencyInjectionAsync(provider)).Failure);

    [Theory]
    [InlineData("https://internal.test/secret.png")]
    [InlineData("https://[64:ff9b::a9fe:a9fe]/latest/meta-data/")]
    [InlineData("https://[2002:a00:7::1]/secret.png")]
    public async Task RedirectFromAnAllowedHost_ToAnInternalTarget_IsRefusedAtThatHop(string location) =>
        Assert.Null((await RedirectAsync(location)).Failure);

    [Fact]
    public async Task SystemProxy_IsNotUsedForDownloads() =>
        Assert.Null((await SystemProxyAsync()).Failure);

    [Fact]
    public async Task ConfiguredProxy_CarriesPublicTargets_AndNeverSeesPrivateOnes() =>
        Assert.Null((await ConfiguredProxyAsync()).Failure);

    [Fact]
    public async Task AddressRanges_EveryBlockedRangeAndIPv6Form_IsRefused_PublicOnesAreNot() =>
        Assert.Null((await AddressRangesAsync()).Failure);

    [Fact]
    public async Task GuardsSection_IsGeneratedFromTheRun()
    {
        var rows = new List<GuardRow>();
        var byProvider = new List<GuardRow>();
        foreach (string provider in ProviderHost.UrlResults)
        {
            byProvider.Add(await CallersClientAsync(provider));
        }

        rows.Add(Combine(byProvider, "Result images are downloaded through the guarded client, whatever client the API calls use",
            $"each URL provider ({string.Join(", ", ProviderHost.UrlResults)}) built with `new {{Provider}}ImageGenerator(httpClient, options)` over a client that would fetch any URL; the result host resolves to {Internal}"));
        byProvider.Clear();
        foreach (string provider in ProviderHost.UrlResults)
        {
            byProvider.Add(await DependencyInjectionAsync(provider));
        }

        rows.Add(Combine(byProvider, "Downloads are checked when connecting, after name resolution",
            $"the same through `AddImageGeneration().Add{{Provider}}()`: the result host resolves to {Internal}"));
        var redirects = new List<GuardRow>();
        foreach (string location in new[] { "https://internal.test/secret.png", "https://[64:ff9b::a9fe:a9fe]/latest/meta-data/", "https://[2002:a00:7::1]/secret.png" })
        {
            redirects.Add(await RedirectAsync(location));
        }

        rows.Add(Combine(redirects, "Redirects are checked hop by hop",
            "an allowed image host answers 302 to a name resolving to 10.0.0.7, to the metadata service in NAT64 form, and to 10.0.0.7 in 6to4 form"));
        rows.Add(await SystemProxyAsync());
        rows.Add(await ConfiguredProxyAsync());
        rows.Add(await AddressRangesAsync());

        Assert.All(rows, row => Assert.True(row.Failure is null, $"{row.Promise}: {row.Failure}"));
        var markdown = new StringBuilder("""
            ## Guards

            Each promise below was attacked through the public API by `GuardTests` (tests/UnifiedImageGen.Reliability.Tests/Guards):
            providers answer from an in-memory fake of their protocol, image hosts and proxies are loopback sockets, and host
            names resolve through `ImageDownloadOptions.HostResolver`, so nothing reaches real DNS or leaves the machine. The
            last column is what the run observed.

            | promise | attack or mishap | what happened |
            |---|---|---|

            """);
        foreach (var row in rows)
        {
            markdown.Append($"| {row.Promise} | {row.Attack} | {row.Outcome} |\n");
        }

        await ReliabilityDoc.CheckSectionAsync("guards", markdown.ToString());
    }

    private static GuardRow Combine(List<GuardRow> rows, string promise, string attack)
    {
        string? failure = rows.FirstOrDefault(r => r.Failure is not null)?.Failure;
        var outcomes = rows.GroupBy(r => r.Outcome).Select(g => rows.Count == 1 ? g.Key : $"{g.Count()}/{rows.Count}: {g.Key}");
        return new GuardRow(promise, attack, string.Join("; ", outcomes), failure);
    }

    // The caller's client is the fake provider itself: it answers the API and would serve the result URL too.
    private static async Task<GuardRow> CallersClientAsync(string provider)
    {
        var callers = new FakeProviderServer(provider);
        var generator = CreateOverCallersClient(provider, new HttpClient(callers), ResolveTo(Internal));
        using var owned = (IDisposable)generator;
        var ex = await Catch(() => generator.GenerateAsync(ProviderHost.Valid(provider)));
        int fetched = callers.Requests.Count(r => r.Uri.Host == "cdn.example.com");
        return Expect(ex, provider, $"{Describe(ex)}; the caller's client fetched {fetched} result URLs", fetched == 0 ? null : $"the caller's client fetched {fetched} result URLs");
    }

    private static async Task<GuardRow> DependencyInjectionAsync(string provider)
    {
        using var host = new ProviderHost(provider, configure: o => o.Download.HostResolver = ResolveTo(Internal), guardedDownloads: true);
        var ex = await Catch(() => host.Run(host.Provider.GenerateAsync(ProviderHost.Valid(provider))));
        int fetched = host.Server.Requests.Count(r => r.Uri.Host == "cdn.example.com");
        return Expect(ex, provider, $"{Describe(ex)} before any byte was sent", fetched == 0 ? null : $"{fetched} requests reached the result host");
    }

    private static async Task<GuardRow> RedirectAsync(string location)
    {
        await using var images = LoopbackResponder.Redirect(location);
        using var host = new ProviderHost("replicate", configure: o =>
        {
            o.Download.AllowedHosts.Add("images.test"); // the trusted first hop (plain http on loopback)
            o.Download.HostResolver = (name, _) => ValueTask.FromResult(name switch
            {
                "images.test" => new[] { IPAddress.Loopback },
                _ => [IPAddress.Parse(Internal)],
            });
        }, guardedDownloads: true);
        host.Server.ImageUrl = $"http://images.test:{images.Port}/a.png";
        var ex = await Catch(() => host.Run(host.Provider.GenerateAsync(ProviderHost.Valid("replicate"))));
        string? failure = images.RequestLines.Count == 1 ? null : $"the image host saw {images.RequestLines.Count} requests";
        return Expect(ex, "replicate", $"{Describe(ex)} at the second hop", failure);
    }

    private static async Task<GuardRow> SystemProxyAsync()
    {
        const string Promise = "No proxy is used unless configured";
        const string Attack = "`HttpClient.DefaultProxy` (what `HTTPS_PROXY` sets) points at a loopback proxy the address check trusts; the result host resolves to " + Internal;
        await using var proxy = LoopbackResponder.Proxy();
        var previous = HttpClient.DefaultProxy;
        HttpClient.DefaultProxy = new WebProxy($"http://127.0.0.1:{proxy.Port}");
        try
        {
            using var host = new ProviderHost("openai", configure: o =>
            {
                o.Download.AllowedHosts.Add("127.0.0.1"); // even a trusted proxy must not hide the target
                o.Download.HostResolver = ResolveTo(Internal);
            }, guardedDownloads: true);
            var ex = await Catch(() => host.Run(host.Provider.GenerateAsync(ProviderHost.Valid("openai"))));
            var row = Expect(ex, "openai", $"{Describe(ex)}; the system proxy saw {proxy.RequestLines.Count} requests", proxy.RequestLines.IsEmpty ? null : "the system proxy was used: " + string.Join(", ", proxy.RequestLines));
            return row with { Promise = Promise, Attack = Attack };
        }
        finally
        {
            HttpClient.DefaultProxy = previous;
        }
    }

    private static async Task<GuardRow> ConfiguredProxyAsync()
    {
        await using var proxy = LoopbackResponder.Proxy();
        var resolver = (string name, CancellationToken _) => ValueTask.FromResult(name == "images.example.org" ? new[] { IPAddress.Parse("93.184.215.14") } : [IPAddress.Parse(Internal)]);
        using var host = new ProviderHost("fal", configure: o =>
        {
            o.Download.Proxy = new Uri($"http://127.0.0.1:{proxy.Port}");
            o.Download.HostResolver = resolver;
        }, guardedDownloads: true);
        var refused = await Catch(() => host.Run(host.Provider.GenerateAsync(ProviderHost.Valid("fal"))));
        var privateRow = Expect(refused, "fal", Describe(refused), proxy.RequestLines.IsEmpty ? null : "the proxy was asked for a private target");
        host.Server.ImageUrl = "https://images.example.org/a.png";
        var forwarded = await Catch(() => host.Run(host.Provider.GenerateAsync(ProviderHost.Valid("fal"))));
        string lines = string.Join(", ", proxy.RequestLines.Select(l => $"`{l}`"));
        string? failure = privateRow.Failure
            ?? (proxy.RequestLines.Count == 1 && proxy.RequestLines.Single().StartsWith("CONNECT images.example.org:443", StringComparison.Ordinal) ? null : $"the proxy saw {lines}");
        return new GuardRow(
            "A configured proxy is used, and each target is checked before the request is sent",
            $"`Download.Proxy` is a loopback proxy; one result host resolves to {Internal}, another to a public address",
            $"private target: {privateRow.Outcome}, the proxy saw nothing; public target: the proxy received {lines} (and refused it: {Describe(forwarded)})",
            failure);
    }

    private static async Task<GuardRow> AddressRangesAsync()
    {
        var random = new Random(2026_19);
        int refused = 0, cases = 0, publicKept = 0, publicCases = 0;
        var failures = new List<string>();
        foreach (var range in Hostile.BlockedIPv4)
        {
            var v4 = range.Random(random);
            foreach (var address in Hostile.IPv6Forms.Select(f => Hostile.Embed(v4, f, random)).Prepend(v4))
            {
                cases++;
                if (await RefusedAsResultUrlAsync(address, cases))
                {
                    refused++;
                }
                else
                {
                    failures.Add($"{address} ({range})");
                }
            }
        }

        foreach (var range in Hostile.BlockedIPv6)
        {
            var address = range.Random(random);
            cases++;
            if (await RefusedAsResultUrlAsync(address, cases))
            {
                refused++;
            }
            else
            {
                failures.Add($"{address} ({range})");
            }
        }

        foreach (string form in new[] { "mapped", "translated", "nat64", "6to4" })
        {
            var address = Hostile.Embed(Hostile.RandomPublicIPv4(random), form, random);
            publicCases++;
            if (!ImageDownloader.IsPrivate(address))
            {
                publicKept++;
            }
            else
            {
                failures.Add($"public {address} ({form}) was refused");
            }
        }

        return new GuardRow(
            "Every non-public address is refused, IPv4 carried in IPv6 included",
            $"result URLs at a random address in each of the {Hostile.BlockedIPv4.Length} IPv4 and {Hostile.BlockedIPv6.Length} IPv6 special-purpose ranges, each IPv4 one also as IPv4-mapped, -translated, NAT64, local-use NAT64, 6to4, Teredo and IPv4-compatible IPv6",
            $"{refused}/{cases} refused (`UnexpectedResponse`) without a request; public IPv4 in mapped, translated, NAT64 and 6to4 form still allowed ({publicKept}/{publicCases})",
            failures.Count == 0 ? null : string.Join("; ", failures));
    }

    private static async Task<bool> RefusedAsResultUrlAsync(IPAddress address, int ordinal)
    {
        string provider = ProviderHost.UrlResults[ordinal % ProviderHost.UrlResults.Length];
        using var host = new ProviderHost(provider);
        var url = new Uri($"https://{Hostile.UrlHost(address)}/a.png");
        host.Server.ImageUrl = url.AbsoluteUri;
        var ex = await Catch(() => host.Run(host.Provider.GenerateAsync(ProviderHost.Valid(provider))));
        return ex is ImageGenerationException { Kind: ImageGenerationErrorKind.UnexpectedResponse } && !host.Server.Requests.Any(r => r.Uri.Host == url.Host);
    }

    private static IImageGenerator CreateOverCallersClient(string provider, HttpClient http, Func<string, CancellationToken, ValueTask<IPAddress[]>> resolver)
    {
        string key = ProviderHost.Keys[provider];
        static void Fast(JobImageGeneratorOptionsBase o)
        {
            // The (HttpClient, options) constructors run on the system clock: poll at once.
            o.PollingInterval = TimeSpan.FromMilliseconds(1);
            o.MaxPollingInterval = TimeSpan.FromMilliseconds(1);
        }

        IImageGenerator Build<TOptions>(TOptions options, Func<HttpClient, TOptions, IImageGenerator> create)
            where TOptions : ImageGeneratorOptionsBase
        {
            options.ApiKey = key;
            options.Download.HostResolver = resolver;
            if (options is JobImageGeneratorOptionsBase job)
            {
                Fast(job);
            }

            return create(http, options);
        }

        return provider switch
        {
            "openai" => Build(new OpenAIImageGeneratorOptions(), (h, o) => new OpenAIImageGenerator(h, o)),
            "replicate" => Build(new ReplicateImageGeneratorOptions(), (h, o) => new ReplicateImageGenerator(h, o)),
            "fal" => Build(new FalImageGeneratorOptions(), (h, o) => new FalImageGenerator(h, o)),
            "bfl" => Build(new BlackForestLabsImageGeneratorOptions(), (h, o) => new BlackForestLabsImageGenerator(h, o)),
            "ideogram" => Build(new IdeogramImageGeneratorOptions(), (h, o) => new IdeogramImageGenerator(h, o)),
            "leonardo" => Build(new LeonardoImageGeneratorOptions(), (h, o) => new LeonardoImageGenerator(h, o)),
            "firefly" => Build(new AdobeFireflyImageGeneratorOptions { ClientSecret = ProviderHost.ExtraSecrets[0] }, (h, o) => new AdobeFireflyImageGenerator(h, o)),
            _ => throw new ArgumentOutOfRangeException(nameof(provider), provider, null),
        };
    }

    private static Func<string, CancellationToken, ValueTask<IPAddress[]>> ResolveTo(string address) =>
        (_, _) => ValueTask.FromResult(new[] { IPAddress.Parse(address) });

    private static GuardRow Expect(Exception? ex, string provider, string outcome, string? failure)
    {
        failure ??= ex is ImageGenerationException { Kind: ImageGenerationErrorKind.UnexpectedResponse } refused && refused.Message.Contains("local or private", StringComparison.Ordinal) && refused.Provider == provider
            ? null
            : $"{provider}: expected a refusal (UnexpectedResponse naming local or private addresses), got {ex?.ToString() ?? "success"}";
        return new GuardRow("", "", outcome, failure);
    }

    private static string Describe(Exception? ex) => ex switch
    {
        null => "succeeded",
        ImageGenerationException e when e.Message.Contains("local or private", StringComparison.Ordinal) => $"refused (`{e.Kind}`)",
        ImageGenerationException e => $"`{e.Kind}`",
        _ => ex.GetType().Name,
    };

    private static async Task<Exception?> Catch(Func<Task> call)
    {
        try
        {
            await call();
            return null;
        }
        catch (Exception ex)
        {
            return ex;
        }
    }

    private sealed record GuardRow(string Promise, string Attack, string Outcome, string? Failure);
}
