using System.Reflection;
using System.Runtime.InteropServices;

namespace UnifiedImageGen.Http;

/// <summary>Adds <c>User-Agent: UnifiedImageGen/{version} ({provider}; .NET {version})</c> to requests that have none.</summary>
public sealed class UserAgentHandler : DelegatingHandler
{
    private static readonly string SdkVersion =
        typeof(UserAgentHandler).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0";

    /// <summary>Creates the handler.</summary>
    /// <param name="providerName">The provider name put in the product comment.</param>
    public UserAgentHandler(string providerName)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(providerName);
        UserAgent = $"UnifiedImageGen/{SdkVersion} ({providerName}; {RuntimeInformation.FrameworkDescription})";
    }

    /// <summary>The header value this handler sends.</summary>
    public string UserAgent { get; }

    /// <inheritdoc/>
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Headers.UserAgent.Count == 0)
        {
            request.Headers.TryAddWithoutValidation("User-Agent", UserAgent);
        }

        return base.SendAsync(request, cancellationToken);
    }
}
