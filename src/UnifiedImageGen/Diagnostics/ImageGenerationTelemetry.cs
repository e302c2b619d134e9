namespace UnifiedImageGen.Diagnostics;

/// <summary>
/// Names of the SDK's <see cref="System.Diagnostics.ActivitySource"/>, <see cref="System.Diagnostics.Metrics.Meter"/>,
/// instruments and tags. GenAI names follow the OpenTelemetry semantic conventions for generative AI; the rest are ours.
/// Register <see cref="SourceName"/> with <c>AddSource</c> and <c>AddMeter</c> in an OpenTelemetry setup.
/// </summary>
public static class ImageGenerationTelemetry
{
    /// <summary>The name of the activity source and the meter: <c>UnifiedImageGen</c>.</summary>
    public const string SourceName = "UnifiedImageGen";

    /// <summary>The <c>gen_ai.operation.name</c> value for image generation (the conventions' multimodal operation).</summary>
    public const string OperationName = "generate_content";

    /// <summary>Histogram of call durations in seconds (<c>gen_ai.client.operation.duration</c>).</summary>
    public const string OperationDurationMetric = "gen_ai.client.operation.duration";

    /// <summary>Histogram of tokens per call by <c>gen_ai.token.type</c> (<c>gen_ai.client.token.usage</c>).</summary>
    public const string TokenUsageMetric = "gen_ai.client.token.usage";

    /// <summary>Counter of images returned.</summary>
    public const string ImagesGeneratedMetric = "unifiedimagegen.images.generated";

    /// <summary>Counter of calls answered from the cache.</summary>
    public const string CacheHitsMetric = "unifiedimagegen.cache.hits";

    /// <summary>Counter of calls a cache layer below could not answer.</summary>
    public const string CacheMissesMetric = "unifiedimagegen.cache.misses";

    /// <summary>Counter of routes that failed and were fallen back from.</summary>
    public const string FallbacksMetric = "unifiedimagegen.fallbacks";

    /// <summary>Counter of cost in US dollars (provider-reported where given, else estimated).</summary>
    public const string CostMetric = "unifiedimagegen.cost";

    /// <summary>Tag names.</summary>
    public static class Tags
    {
        /// <summary><c>gen_ai.operation.name</c>.</summary>
        public const string OperationName = "gen_ai.operation.name";

        /// <summary><c>gen_ai.provider.name</c>: the provider that answered (or was asked, on failure).</summary>
        public const string ProviderName = "gen_ai.provider.name";

        /// <summary><c>gen_ai.request.model</c>.</summary>
        public const string RequestModel = "gen_ai.request.model";

        /// <summary><c>gen_ai.response.model</c>.</summary>
        public const string ResponseModel = "gen_ai.response.model";

        /// <summary><c>gen_ai.response.id</c>: the provider's request or job id.</summary>
        public const string ResponseId = "gen_ai.response.id";

        /// <summary><c>gen_ai.output.type</c>: always <c>image</c>.</summary>
        public const string OutputType = "gen_ai.output.type";

        /// <summary><c>gen_ai.request.choice.count</c>: images asked for.</summary>
        public const string ChoiceCount = "gen_ai.request.choice.count";

        /// <summary><c>gen_ai.request.seed</c>.</summary>
        public const string Seed = "gen_ai.request.seed";

        /// <summary><c>gen_ai.usage.input_tokens</c>.</summary>
        public const string InputTokens = "gen_ai.usage.input_tokens";

        /// <summary><c>gen_ai.usage.output_tokens</c>.</summary>
        public const string OutputTokens = "gen_ai.usage.output_tokens";

        /// <summary><c>gen_ai.token.type</c> on the token histogram: <c>input</c> or <c>output</c>.</summary>
        public const string TokenType = "gen_ai.token.type";

        /// <summary><c>gen_ai.input.messages</c>: the prompt, only with sensitive data enabled.</summary>
        public const string InputMessages = "gen_ai.input.messages";

        /// <summary><c>error.type</c>: the <see cref="ImageGenerationErrorKind"/> or exception type.</summary>
        public const string ErrorType = "error.type";

        /// <summary><c>server.address</c>.</summary>
        public const string ServerAddress = "server.address";

        /// <summary><c>server.port</c>.</summary>
        public const string ServerPort = "server.port";

        /// <summary>The operation: generate, edit, upscale and so on.</summary>
        public const string Operation = "unifiedimagegen.operation";

        /// <summary>Images returned.</summary>
        public const string ImageCount = "unifiedimagegen.image.count";

        /// <summary>Whether the cache answered.</summary>
        public const string FromCache = "unifiedimagegen.cache.hit";

        /// <summary>Cost in US dollars.</summary>
        public const string CostUsd = "unifiedimagegen.cost.usd";

        /// <summary>Routes tried, including skipped and failed ones.</summary>
        public const string RouteAttempts = "unifiedimagegen.route.attempts";
    }
}
