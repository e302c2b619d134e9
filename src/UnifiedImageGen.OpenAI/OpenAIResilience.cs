using UnifiedImageGen.Resilience;

namespace UnifiedImageGen.OpenAI;

/// <summary>
/// OpenAI's retry rules, applied on both construction paths (DI's typed client and the clients a <c>new</c>
/// generator builds): a 429 whose body says <c>insufficient_quota</c> or <c>billing_hard_limit_reached</c> is final.
/// The core handler already obeys OpenAI's <c>x-should-retry: true|false</c> header (openai-python <c>_base_client.py</c>).
/// </summary>
internal static class OpenAIResilience
{
    public static void Configure(ImageGenerationResilienceOptions options) =>
        options.IsPermanentFailure ??= OpenAIErrorMapper.IsQuotaExhaustedAsync;
}
