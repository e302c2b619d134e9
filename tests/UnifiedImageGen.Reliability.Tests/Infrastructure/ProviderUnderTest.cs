using Microsoft.Extensions.DependencyInjection;
using UnifiedImageGen.AdobeFirefly;
using UnifiedImageGen.BlackForestLabs;
using UnifiedImageGen.ComfyUI;
using UnifiedImageGen.DependencyInjection;
using UnifiedImageGen.Fal;
using UnifiedImageGen.Google;
using UnifiedImageGen.Ideogram;
using UnifiedImageGen.Jobs;
using UnifiedImageGen.Leonardo;
using UnifiedImageGen.OpenAI;
using UnifiedImageGen.Providers;
using UnifiedImageGen.Replicate;
using UnifiedImageGen.StabilityAI;

namespace UnifiedImageGen.Reliability.Tests.Infrastructure;

/// <summary>What a provider's protocol has, which decides the faults that apply to it.</summary>
[Flags]
public enum ProviderTraits
{
    None = 0,

    /// <summary>Submit, then poll a job.</summary>
    Job = 1,

    /// <summary>Images come back as URLs to download.</summary>
    UrlImages = 2,

    /// <summary>The provider has a cancel endpoint.</summary>
    Cancel = 4,

    /// <summary>Images can come inline as base64 (in JSON or as <c>data:</c> URIs).</summary>
    Base64Images = 8,

    /// <summary>The image is the raw response body (Stability with <c>accept: image/*</c>), not JSON.</summary>
    RawImageBody = 16,

    /// <summary>A server of your own (ComfyUI): no content policy, no account to run out of credits.</summary>
    SelfHosted = 32,
}

/// <summary>A provider SDK registered against the emulator: its DI name, route model and traits.</summary>
/// <param name="Label">The name in the matrix.</param>
/// <param name="Emulated">The emulated provider it talks to.</param>
/// <param name="Registration">Its DI registration name (the route's provider).</param>
/// <param name="Model">The model its route asks for.</param>
/// <param name="Traits">What its protocol has.</param>
public sealed record ProviderUnderTest(string Label, string Emulated, string Registration, string Model, ProviderTraits Traits)
{
    /// <summary>The route, <c>{registration}/{model}</c>.</summary>
    public string Route => Registration + "/" + Model;

    /// <summary>
    /// A price line for the cost-tracking catalog (USD per image), for a provider that reports no price of its own
    /// (Firefly bills generative credits under a contract; the line stands for the price a user configures).
    /// </summary>
    public decimal? UsdPerImage { get; init; }

    /// <summary>
    /// An input image the matrix request carries (as image-to-image), for a row that exercises a provider's upload path
    /// (Firefly stores inputs with <c>POST /v2/storage/image</c> before it generates).
    /// </summary>
    public ImageInput? Input { get; init; }

    public bool Has(ProviderTraits trait) => (Traits & trait) == trait;

    public override string ToString() => Label;

    /// <summary>Every provider the emulator covers, in matrix order.</summary>
    public static IReadOnlyList<ProviderUnderTest> All { get; } =
    [
        new("OpenAI", "openai", "openai", OpenAIModels.GptImage1, ProviderTraits.Base64Images),
        new("Stability (image/*)", "stability", "stability", "core", ProviderTraits.RawImageBody),
        new("Stability (JSON)", "stability", "stability-json", "core", ProviderTraits.Base64Images),
        new("Google", "google", "google", GoogleModels.Gemini31FlashImage, ProviderTraits.Base64Images),
        new("Replicate", "replicate", "replicate", ReplicateModels.FluxSchnell, ProviderTraits.Job | ProviderTraits.UrlImages | ProviderTraits.Cancel | ProviderTraits.Base64Images),
        new("fal", "fal", "fal", FalModels.FluxSchnell, ProviderTraits.Job | ProviderTraits.UrlImages | ProviderTraits.Cancel | ProviderTraits.Base64Images),
        new("BFL", "bfl", "bfl", BlackForestLabsModels.FluxPro11, ProviderTraits.Job | ProviderTraits.UrlImages),
        new("Ideogram", "ideogram", "ideogram", IdeogramModels.V3, ProviderTraits.UrlImages),
        new("Leonardo", "leonardo", "leonardo", LeonardoImageGenerator.DefaultModelName, ProviderTraits.Job | ProviderTraits.UrlImages),
        // v2 (POST /api/rest/v2/generations) serves the newer models; the generation is polled as on v1.
        new("Leonardo (v2)", "leonardo", "leonardo-v2", LeonardoModels.GptImage15, ProviderTraits.Job | ProviderTraits.UrlImages),
        new("Firefly", "firefly", "firefly", "image4_standard", ProviderTraits.Job | ProviderTraits.UrlImages | ProviderTraits.Cancel) { UsdPerImage = 0.04m },
        new("Firefly (upload)", "firefly", "firefly-upload", "image4_standard", ProviderTraits.Job | ProviderTraits.UrlImages | ProviderTraits.Cancel)
        {
            UsdPerImage = 0.04m,
            Input = ImageInput.FromBytes(new UnifiedImageGen.Emulator.Images.ImageStore().Render(), "image/png"),
        },
        new("ComfyUI", "comfyui", "comfyui", ComfyUIWorkflows.FluxDev, ProviderTraits.Job | ProviderTraits.Cancel | ProviderTraits.SelfHosted),
    ];

    /// <summary>USD per Leonardo API credit the tests configure, so its reported credits settle at a price.</summary>
    public const decimal LeonardoUsdPerCredit = 0.0025m;

    /// <summary>The GPU hour price the tests give ComfyUI, so its execution time settles at a price.</summary>
    public const decimal ComfyUIGpuHourUsd = 1.8m;

    /// <summary>Registers the provider's SDK with its endpoint on the emulator and image downloads allowed from it.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="endpoint">The emulator's address for this provider.</param>
    /// <param name="http">Adds handlers to the provider's API client.</param>
    /// <param name="realClock">Whether the test runs on the system clock (short polling), or a manual one.</param>
    public void Register(ImageGenerationBuilder builder, Uri endpoint, Action<IHttpClientBuilder> http, bool realClock)
    {
        void Common(ImageGeneratorOptionsBase o)
        {
            o.ApiKey = "emulator-" + Registration + "-key";
            o.Endpoint = endpoint;
            // The emulator serves images from loopback: allow exactly that host, never private networks at large.
            o.Download.AllowedHosts.Add(endpoint.Host);
        }

        void Polling(JobImageGeneratorOptionsBase o)
        {
            o.PollingInterval = realClock ? TimeSpan.FromMilliseconds(5) : TimeSpan.FromSeconds(1);
            o.MaxPollingInterval = realClock ? TimeSpan.FromMilliseconds(20) : TimeSpan.FromSeconds(5);
            o.MaxWait = realClock ? TimeSpan.FromSeconds(20) : TimeSpan.FromMinutes(2);
        }

        switch (Emulated)
        {
            case "openai":
                builder.AddOpenAI(Common, Registration, http);
                break;
            case "stability":
                builder.AddStabilityAI(o =>
                {
                    Common(o);
                    o.Accept = Has(ProviderTraits.RawImageBody) ? "image/*" : "application/json";
                }, Registration, http);
                break;
            case "google":
                builder.AddGoogle(Common, Registration, http);
                break;
            case "replicate":
                builder.AddReplicate(o =>
                {
                    Common(o);
                    Polling(o);
                }, Registration, http);
                break;
            case "fal":
                builder.AddFal(o =>
                {
                    Common(o);
                    Polling(o);
                }, Registration, http);
                break;
            case "bfl":
                builder.AddBlackForestLabs(o =>
                {
                    Common(o);
                    Polling(o);
                }, Registration, http);
                break;
            case "ideogram":
                builder.AddIdeogram(Common, Registration, http);
                break;
            case "leonardo":
                builder.AddLeonardo(o =>
                {
                    Common(o);
                    Polling(o);
                    o.UsdPerCredit = LeonardoUsdPerCredit;
                }, Registration, http);
                break;
            case "firefly":
                builder.AddAdobeFirefly(o =>
                {
                    Common(o);
                    Polling(o);
                    o.ClientSecret = "emulator-firefly-secret";
                    // IMS is another host in production; the emulator serves it beside the API.
                    o.ImsTokenEndpoint = new Uri(endpoint, "ims/token/v3");
                }, Registration, http);
                break;
            case "comfyui":
                builder.AddComfyUI(o =>
                {
                    Common(o);
                    Polling(o);
                    o.GpuHourUsd = ComfyUIGpuHourUsd;
                }, Registration, http);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(Emulated), Emulated, "No SDK registration for this emulated provider.");
        }
    }
}
