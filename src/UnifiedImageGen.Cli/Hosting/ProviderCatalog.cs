using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using UnifiedImageGen.AdobeFirefly;
using UnifiedImageGen.BlackForestLabs;
using UnifiedImageGen.ComfyUI;
using UnifiedImageGen.DependencyInjection;
using UnifiedImageGen.Fal;
using UnifiedImageGen.Google;
using UnifiedImageGen.Ideogram;
using UnifiedImageGen.Leonardo;
using UnifiedImageGen.OpenAI;
using UnifiedImageGen.Placeholder;
using UnifiedImageGen.Replicate;
using UnifiedImageGen.StabilityAI;

namespace UnifiedImageGen.Cli.Hosting;

/// <summary>An environment variable that sets one provider setting, such as <c>OPENAI_API_KEY</c> for <c>ApiKey</c>.</summary>
/// <param name="Variable">The variable.</param>
/// <param name="Setting">The setting under <c>ImageGeneration:Providers:{name}</c>.</param>
internal sealed record EnvironmentBinding(string Variable, string Setting);

/// <summary>
/// How to register one provider package.
/// </summary>
/// <param name="Name">The provider name (its service key and configuration section).</param>
/// <param name="DisplayName">The name people know it by.</param>
/// <param name="Environment">The variables that set its settings.</param>
/// <param name="RequiredSettings">Settings it cannot run without.</param>
/// <param name="SelectingSettings">Settings whose presence makes it the default when no <c>--provider</c> is given.</param>
/// <param name="Register">Registers it; with <c>describeOnly</c>, missing credentials get a stand-in so its metadata can be read without them.</param>
internal sealed record ProviderEntry(
    string Name,
    string DisplayName,
    IReadOnlyList<EnvironmentBinding> Environment,
    IReadOnlyList<string> RequiredSettings,
    IReadOnlyList<string> SelectingSettings,
    Action<ImageGenerationBuilder, bool, Action<IHttpClientBuilder>?> Register)
{
    /// <summary>Whether every required setting has a value.</summary>
    public bool HasRequiredSettings(IConfiguration providers) => RequiredSettings.All(s => !string.IsNullOrWhiteSpace(providers[Name + ":" + s]));

    /// <summary>Whether it is set up well enough to be chosen without <c>--provider</c>.</summary>
    public bool IsConfigured(IConfiguration providers) =>
        SelectingSettings.Count > 0 && SelectingSettings.All(s => !string.IsNullOrWhiteSpace(providers[Name + ":" + s]));

    /// <summary>"set OPENAI_API_KEY (or ImageGeneration:Providers:openai:ApiKey)" for messages.</summary>
    public string SetupHint() =>
        $"set {string.Join(" and ", Environment.Select(e => e.Variable))} (or {string.Join(", ", RequiredSettings.Select(s => $"ImageGeneration:Providers:{Name}:{s}"))} in appsettings.json)";
}

/// <summary>Every provider the tool knows, in the order one is picked when several are configured.</summary>
internal static class ProviderCatalog
{
    // Lets a provider be constructed (to read its model table) when no key is set; it never reaches a network.
    private const string StandIn = "not-configured";

    private const string ApiKey = "ApiKey";

    public static IReadOnlyList<ProviderEntry> All { get; } =
    [
        Keyed(OpenAIImageGenerator.ProviderName, "OpenAI", "OPENAI_API_KEY", (b, stub, http) => b.AddOpenAI(o => StandInKey(o, stub), configureHttpClient: http)),
        Keyed(StabilityAIImageGenerator.ProviderName, "Stability AI", "STABILITY_API_KEY", (b, stub, http) => b.AddStabilityAI(o => StandInKey(o, stub), configureHttpClient: http)),
        Keyed(ReplicateImageGenerator.ProviderName, "Replicate", "REPLICATE_API_TOKEN", (b, stub, http) => b.AddReplicate(o => StandInKey(o, stub), configureHttpClient: http)),
        Keyed(FalImageGenerator.ProviderName, "fal.ai", "FAL_KEY", (b, stub, http) => b.AddFal(o => StandInKey(o, stub), configureHttpClient: http)),
        Keyed(BlackForestLabsImageGenerator.ProviderName, "Black Forest Labs", "BFL_API_KEY", (b, stub, http) => b.AddBlackForestLabs(o => StandInKey(o, stub), configureHttpClient: http)),
        Keyed(GoogleImageGenerator.ProviderName, "Google (Gemini, Imagen)", "GEMINI_API_KEY", (b, stub, http) => b.AddGoogle(o => StandInKey(o, stub), configureHttpClient: http)),
        Keyed(IdeogramImageGenerator.ProviderName, "Ideogram", "IDEOGRAM_API_KEY", (b, stub, http) => b.AddIdeogram(o => StandInKey(o, stub), configureHttpClient: http)),
        Keyed(LeonardoImageGenerator.ProviderName, "Leonardo.Ai", "LEONARDO_API_KEY", (b, stub, http) => b.AddLeonardo(o => StandInKey(o, stub), configureHttpClient: http)),
        new(
            AdobeFireflyImageGenerator.ProviderName,
            "Adobe Firefly",
            [new("FIREFLY_CLIENT_ID", ApiKey), new("FIREFLY_CLIENT_SECRET", "ClientSecret")],
            [ApiKey, "ClientSecret"],
            [ApiKey, "ClientSecret"],
            (b, stub, http) => b.AddAdobeFirefly(
                o =>
                {
                    StandInKey(o, stub);
                    o.ClientSecret = stub && string.IsNullOrWhiteSpace(o.ClientSecret) ? StandIn : o.ClientSecret;
                },
                configureHttpClient: http)),
        // ComfyUI needs no key; it is picked by default only when its server address is set.
        new(ComfyUIImageGenerator.ProviderName, "ComfyUI (self-hosted)", [new("COMFYUI_URL", "Endpoint")], [], ["Endpoint"], (b, _, http) => b.AddComfyUI(configureHttpClient: http)),
        new(PlaceholderImageGenerator.ProviderName, "Placeholder (offline)", [], [], [], (b, _, _) => b.AddPlaceholder()),
    ];

    /// <summary>The entry named <paramref name="name"/> (case-insensitive), or null.</summary>
    public static ProviderEntry? Find(string name) => All.FirstOrDefault(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase));

    /// <summary>The provider names, for messages.</summary>
    public static string Names => string.Join(", ", All.Select(p => p.Name));

    private static ProviderEntry Keyed(string name, string displayName, string variable, Action<ImageGenerationBuilder, bool, Action<IHttpClientBuilder>?> register) =>
        new(name, displayName, [new(variable, ApiKey)], [ApiKey], [ApiKey], register);

    private static void StandInKey(ImageGeneratorOptionsBase options, bool describeOnly)
    {
        if (describeOnly && string.IsNullOrWhiteSpace(options.ApiKey))
        {
            options.ApiKey = StandIn;
        }
    }
}
