using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using UnifiedImageGen.Http;
using UnifiedImageGen.Imaging;
using UnifiedImageGen.Jobs;
using UnifiedImageGen.Providers;
using UnifiedImageGen.Resilience;
using UnifiedImageGen.Validation;

namespace UnifiedImageGen.StabilityAI;

/// <summary>
/// Stability AI's REST v2beta: every endpoint takes <c>multipart/form-data</c> and answers with the image (raw bytes
/// with <c>seed</c> and <c>finish-reason</c> headers, or JSON with base64). Generation, image-to-image, edits, upscales
/// and control are models of this generator (see <see cref="StabilityAIModels"/>). The creative upscale is asynchronous:
/// it returns an id that is polled on <c>GET /v2beta/results/{id}</c> every 10 s or slower, so this generator is also an
/// <see cref="IImageJobGenerator"/>; its synchronous endpoints give jobs that are finished when started.
/// </summary>
public sealed class StabilityAIImageGenerator : JobImageGeneratorBase, IDisposable
{
    /// <summary>The provider name, <c>"stability"</c>.</summary>
    public const string ProviderName = "stability";

    private static readonly string[] Reserved = ["prompt", "image", "mask", "model", "mode", "init_image", "style_image", "subject_image", "background_reference", "light_reference", "background_prompt"];

    private static readonly string[] LightDirections = ["left", "right", "above", "below"];

    private readonly StabilityAIImageGeneratorOptions _options;
    private readonly ProviderTransport _transport;
    private readonly IDisposable[] _owned;

    /// <summary>Creates a generator with its own HTTP client (resilience included).</summary>
    /// <param name="apiKey">The Stability API key (<c>sk-...</c>).</param>
    public StabilityAIImageGenerator(string apiKey)
        : this(new StabilityAIImageGeneratorOptions { ApiKey = apiKey })
    {
    }

    /// <summary>Creates a generator with its own HTTP client (resilience included).</summary>
    /// <param name="options">The options.</param>
    public StabilityAIImageGenerator(StabilityAIImageGeneratorOptions options)
        : this(ImageGenerationHttp.CreateClient(ProviderName, ConfigureResilience(new ImageGenerationResilienceOptions())), options, null, owned: true)
    {
    }

    /// <summary>Creates a generator over an <see cref="HttpClient"/> whose handler chain is the caller's.</summary>
    /// <param name="httpClient">The client.</param>
    /// <param name="options">The options.</param>
    public StabilityAIImageGenerator(HttpClient httpClient, StabilityAIImageGeneratorOptions options)
        : this(httpClient, options, null, owned: false)
    {
    }

    internal StabilityAIImageGenerator(HttpClient httpClient, StabilityAIImageGeneratorOptions options, TimeProvider? timeProvider, bool owned)
        : base(options, timeProvider)
    {
        ArgumentNullException.ThrowIfNull(httpClient);
        options.ThrowIfInvalid("StabilityAIImageGeneratorOptions");

        _options = options;
        // Result URLs never go through httpClient (its handlers are the caller's): the downloader has a guarded client.
        (var downloader, _owned) = ImageGenerationHttp.Downloads(httpClient, options, ProviderName, downloader: null, owned);
        _transport = new ProviderTransport(httpClient, new StabilityAIErrorMapper(new SecretRedactor(options.ApiKey), TimeProvider), downloader, TimeProvider);
        Metadata = new ImageGeneratorMetadata(ProviderName, options.Endpoint, options.DefaultModel ?? "core", StabilityAIModels.All, Unknown);
    }

    /// <inheritdoc/>
    public override ImageGeneratorMetadata Metadata { get; }

    /// <summary>
    /// The retry rule every Stability client gets, whether built by dependency injection or by a constructor: a 429 is
    /// not retried, because Stability locks the key out for 60 s after one (PROVIDERS.md 13.3); the error goes to the
    /// caller (or the next route) with that wait. A rule the caller already set is kept.
    /// </summary>
    internal static ImageGenerationResilienceOptions ConfigureResilience(ImageGenerationResilienceOptions resilience)
    {
        resilience.IsPermanentFailure ??= static (response, _) => ValueTask.FromResult(response.StatusCode == HttpStatusCode.TooManyRequests);
        return resilience;
    }

    /// <summary>Reads an async result: still running (202) or finished (the image). Stability has no job listing or progress.</summary>
    /// <inheritdoc/>
    public override async Task<ImageJob> GetJobAsync(string jobId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(jobId);
        var (model, resultId) = ParseJobId(jobId);
        using var message = Request(HttpMethod.Get, "v2beta/results/" + Uri.EscapeDataString(resultId));
        HttpResponseMessage response;
        try
        {
            response = await _transport.SendAsync(message, null, cancellationToken).ConfigureAwait(false);
        }
        catch (ImageGenerationException ex) when (ex.StatusCode == 404)
        {
            // PROVIDERS.md 2.6 / 13.3: a 404 here is about the id, not a model.
            throw new ImageGenerationException(ImageGenerationErrorKind.InvalidRequest, $"Stability has no result for job '{jobId}': the id is unknown, expired (results are kept 24 hours) or was created with another API key.", ex)
            {
                Provider = ProviderName,
                StatusCode = 404,
                ProviderErrorCode = ex.ProviderErrorCode,
                ProviderRequestId = ex.ProviderRequestId,
            };
        }

        using var owned = response;
        if (response.StatusCode == HttpStatusCode.Accepted)
        {
            return new ImageJob { Provider = ProviderName, Id = jobId, Status = ImageJobStatus.Running, Model = model };
        }

        var image = await ReadImageAsync(response, cancellationToken).ConfigureAwait(false);
        return new ImageJob { Provider = ProviderName, Id = jobId, Status = ImageJobStatus.Succeeded, Model = model, Progress = 1, RawRepresentation = image };
    }

    /// <summary>Reads the account's credit balance, <c>GET /v1/user/balance</c> (PROVIDERS.md 2.7, 13.3); one credit is $0.01.</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The credits left.</returns>
    /// <exception cref="ImageGenerationException">Stability refused the call or answered without a <c>credits</c> number.</exception>
    public async Task<decimal> GetCreditBalanceAsync(CancellationToken cancellationToken = default)
    {
        using var message = Request(HttpMethod.Get, "v1/user/balance");
        message.Headers.Accept.Clear();
        message.Headers.Accept.ParseAdd("application/json");
        ImageGenerationResilienceHandler.MarkIdempotent(message);
        using var response = await _transport.SendAsync(message, null, cancellationToken).ConfigureAwait(false);
        using var body = await _transport.ReadBodyAsync(response, 64 * 1024, cancellationToken).ConfigureAwait(false);
        try
        {
            using var document = JsonDocument.Parse(body.Memory);
            if (document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty("credits", out var credits) && credits.TryGetDecimal(out decimal left))
            {
                return left;
            }
        }
        catch (JsonException)
        {
        }

        throw Unexpected(null, "Stability answered the balance request without a credits number.");
    }

    /// <summary>Stability cannot cancel a started generation: this returns the job's state, and the work is charged if it finishes.</summary>
    /// <inheritdoc/>
    public override Task<ImageJob> CancelJobAsync(string jobId, CancellationToken cancellationToken = default) => GetJobAsync(jobId, cancellationToken);

    /// <summary>Disposes the HTTP client this generator created itself.</summary>
    public void Dispose()
    {
        foreach (var owned in _owned)
        {
            owned.Dispose();
        }
    }

    /// <inheritdoc/>
    protected override async Task<StartedJob> StartJobAsync(ImageGenerationRequest request, CancellationToken cancellationToken)
    {
        ImageRequestValidator.ValidateArguments(request);
        string modelId = ChooseModel(request);
        var descriptor = Metadata.GetModel(modelId);
        var endpoint = StabilityAIModels.Find(modelId) ?? Sd3(modelId);
        var behavior = _options.UnsupportedSettingBehavior;
        var validation = ImageRequestValidator.Validate(request with { Model = modelId }, descriptor, behavior, ProviderName);
        var applied = validation.Request;
        var warnings = validation.Warnings.ToList();
        var (typed, json) = ProviderOptionsReader.Read<StabilityAIRequestOptions>(request, ProviderName);
        typed ??= new StabilityAIRequestOptions();

        CheckLimits(applied, endpoint, typed);
        var form = BuildForm(applied, endpoint, typed, json, warnings, behavior);
        long length = form.Headers.ContentLength ?? 0;
        if (length > StabilityAIModels.MaxRequestBytes)
        {
            form.Dispose();
            throw Invalid(modelId, $"The request is {length:N0} bytes; Stability accepts at most {StabilityAIModels.MaxRequestBytes:N0} bytes (10 MiB). Send smaller input images.");
        }

        using var message = Request(HttpMethod.Post, endpoint.Path);
        message.Content = form;
        if ((applied.User ?? _options.ClientUserId) is { } user)
        {
            message.Headers.TryAddWithoutValidation("stability-client-user-id", user.Length > 256 ? user[..256] : user);
        }

        ProviderTransport.MarkBillableSubmit(message, modelId, applied.Count);
        using var response = await _transport.SendAsync(message, modelId, cancellationToken).ConfigureAwait(false);
        if (endpoint.IsAsync)
        {
            using var body = await _transport.ReadBodyAsync(response, 64 * 1024, cancellationToken).ConfigureAwait(false);
            string id = ReadId(body.Span) ?? throw Unexpected(modelId, "Stability accepted the async request without returning an id.");
            // The id names the endpoint too ({model}/{id}): a result id alone does not say what the job costs.
            return new StartedJob(new ImageJob { Provider = ProviderName, Id = modelId + "/" + id, Status = ImageJobStatus.Queued, Model = modelId }, warnings);
        }

        var image = await ReadImageAsync(response, cancellationToken).ConfigureAwait(false);
        var done = new ImageJob { Provider = ProviderName, Id = image.RequestId ?? "sync", Status = ImageJobStatus.Succeeded, Model = modelId, Progress = 1, RawRepresentation = image };
        return new StartedJob(done, warnings);
    }

    /// <inheritdoc/>
    protected override async Task<ImageGenerationResult> GetResultAsync(ImageJob job, CancellationToken cancellationToken)
    {
        var image = job.RawRepresentation as StabilityImage
            ?? (StabilityImage)(await GetJobAsync(job.Id, cancellationToken).ConfigureAwait(false)).RawRepresentation!;
        // A bare result id (not the {model}/{id} StartAsync returns) does not say which endpoint ran, so no price is guessed.
        string model = job.Model ?? "unknown";
        decimal? credits = job.Model is null ? null : (StabilityAIModels.Find(model) ?? Sd3(model)).Credits;
        const decimal UsdPerCredit = StabilityAIModels.UsdPerCredit;
        bool filtered = string.Equals(image.FinishReason, "CONTENT_FILTERED", StringComparison.OrdinalIgnoreCase);
        var size = ImageHeader.TryReadSize(image.Data, out var read) ? read : (ImageSize?)null;
        return new ImageGenerationResult
        {
            Images =
            [
                new GeneratedImage
                {
                    Data = image.Data,
                    MediaType = image.MediaType,
                    Width = size?.Width,
                    Height = size?.Height,
                    Seed = image.Seed,
                    ContentFlagged = filtered,
                },
            ],
            Provider = ProviderName,
            Model = model,
            Warnings = filtered
                ? [new ImageGenerationWarning(ImageGenerationWarningKind.Other, "Output", "Stability's safety filter blurred the image (finish-reason CONTENT_FILTERED); it is returned with ContentFlagged set.")]
                : [],
            Usage = credits is { } used ? new ImageUsage { Credits = (double)used } : null,
            Cost = credits is { } charged ? new ImageCost { EstimatedUsd = charged * UsdPerCredit, Basis = $"{charged} credits at $0.01" } : null,
            ProviderRequestId = image.RequestId ?? job.Id,
            RawRepresentation = image.FinishReason,
        };
    }

    // StartAsync returns {model}/{result id}; a bare result id (from elsewhere) is accepted too, without a model.
    private static (string? Model, string ResultId) ParseJobId(string jobId)
    {
        int slash = jobId.LastIndexOf('/');
        return slash > 0 && slash < jobId.Length - 1 ? (jobId[..slash], jobId[(slash + 1)..]) : (null, jobId);
    }

    private static ImageModelDescriptor Unknown(string model) =>
        StabilityAIModels.All.First(m => m.Id == "sd3.5-large") with { Id = model };

    // An unknown model id is taken as a newer SD model served by /generate/sd3.
    private static StabilityEndpoint Sd3(string model) => StabilityAIModels.Endpoints.First(e => e.Model == "sd3.5-large") with { Model = model };

    private string ChooseModel(ImageGenerationRequest request)
    {
        if (request.Model is { } asked)
        {
            return asked;
        }

        var needed = ImageRequestValidator.RequiredCapability(request.Operation);
        return Metadata.GetModel(Metadata.DefaultModel).Supports(needed)
            ? Metadata.DefaultModel
            : Metadata.Models.FirstOrDefault(m => m.Supports(needed))?.Id ?? Metadata.DefaultModel;
    }

    private static void CheckLimits(ImageGenerationRequest request, StabilityEndpoint endpoint, StabilityAIRequestOptions options)
    {
        if (request.Seed is > StabilityAIModels.MaxSeed)
        {
            throw new ArgumentOutOfRangeException(nameof(request), request.Seed, $"request.Seed must be between 0 and {StabilityAIModels.MaxSeed} for Stability AI; it is {request.Seed}.");
        }

        if (endpoint.PromptRequired && string.IsNullOrWhiteSpace(request.Prompt) && endpoint.Fields.HasFlag(StabilityFields.Prompt))
        {
            throw Invalid(endpoint.Model, $"request.Prompt is required by Stability's {endpoint.Model}.");
        }

        if (request.InputImages.FirstOrDefault() is { } input)
        {
            CheckImage(endpoint, "The input image", input, endpoint.MaxAspect);
        }

        // Reference images share the main image's side and pixel limits but not its aspect-ratio rule (spec mirror).
        if (endpoint.Fields.HasFlag(StabilityFields.StyleTransfer) && request.InputImages.Count > 1)
        {
            CheckImage(endpoint, "The style image (request.InputImages[1])", request.InputImages[1], null);
        }

        if (endpoint.Fields.HasFlag(StabilityFields.Relight))
        {
            foreach (var (label, reference) in new[] { ("StabilityAIRequestOptions.BackgroundReference", options.BackgroundReference), ("StabilityAIRequestOptions.LightReference", options.LightReference) })
            {
                if (reference is not null)
                {
                    CheckImage(endpoint, label, reference, null);
                }
            }
        }
    }

    private static void CheckImage(StabilityEndpoint endpoint, string label, ImageInput input, double? maxAspect)
    {
        if (input.IsUri)
        {
            throw Invalid(endpoint.Model, "Stability needs input images as bytes, not URLs (download the image and use ImageInput.FromBytes).");
        }

        if (input.Size is not { } size)
        {
            return;
        }

        double aspect = (double)Math.Max(size.Width, size.Height) / Math.Min(size.Width, size.Height);
        if (endpoint.MinInputSide is { } minSide && Math.Min(size.Width, size.Height) < minSide
            || endpoint.MaxInputSide is { } maxSide && Math.Max(size.Width, size.Height) > maxSide
            || endpoint.MinInputPixels is { } minPixels && size.Pixels < minPixels
            || endpoint.MaxInputPixels is { } maxPixels && size.Pixels > maxPixels
            || maxAspect is { } most && aspect > most)
        {
            string shape = maxAspect is { } limit ? $", between 1:{limit.ToString(CultureInfo.InvariantCulture)} and {limit.ToString(CultureInfo.InvariantCulture)}:1" : "";
            throw Invalid(endpoint.Model, $"{label} is {size} ({size.Pixels:N0} pixels); Stability's {endpoint.Model} takes sides {endpoint.MinInputSide?.ToString(CultureInfo.InvariantCulture) ?? "any"} to {endpoint.MaxInputSide?.ToString(CultureInfo.InvariantCulture) ?? "any"} px and {endpoint.MinInputPixels?.ToString("N0", CultureInfo.InvariantCulture) ?? "any"} to {endpoint.MaxInputPixels?.ToString("N0", CultureInfo.InvariantCulture) ?? "any"} pixels{shape}.");
        }
    }

    private MultipartFormDataContent BuildForm(ImageGenerationRequest request, StabilityEndpoint endpoint, StabilityAIRequestOptions options, System.Text.Json.Nodes.JsonObject? json, List<ImageGenerationWarning> warnings, UnsupportedSettingBehavior behavior)
    {
        var fields = endpoint.Fields;
        var form = new MultipartForm();
        void Drop(string setting, string value, string detail) =>
            warnings.Add(ImageRequestValidator.ReportUnsupported(behavior, ProviderName, endpoint.Model, setting, value, detail));
        string? Only(StabilityFields field, string setting, string? value)
        {
            if (value is not null && !fields.HasFlag(field))
            {
                Drop(setting, value, $"Stability's {endpoint.Model} does not take it");
                return null;
            }

            return value;
        }

        double? InRange(string setting, double? value, double min, double max) => CheckRange(endpoint, setting, value, min, max);

        void Number(StabilityFields field, string name, string setting, double? value, double min, double max)
        {
            if (fields.HasFlag(field))
            {
                form.Field(name, InRange(setting, value, min, max));
            }
            else
            {
                Only(field, setting, value?.ToString(CultureInfo.InvariantCulture));
            }
        }

        bool imageToImage = request.Operation == ImageOperation.ImageToImage && fields.HasFlag(StabilityFields.Strength);
        form.Field("prompt", fields.HasFlag(StabilityFields.Prompt) ? request.Prompt : null);
        form.Field("negative_prompt", fields.HasFlag(StabilityFields.NegativePrompt) ? request.NegativePrompt : null);
        if (fields.HasFlag(StabilityFields.SdModel))
        {
            form.Field("model", endpoint.Model);
            form.Field("mode", imageToImage ? "image-to-image" : null);
        }

        if (request.AspectRatio is { } ratio && fields.HasFlag(StabilityFields.AspectRatio))
        {
            if (imageToImage)
            {
                Drop("AspectRatio", ratio.ToString(), "in image-to-image the output keeps the input's shape");
            }
            else
            {
                form.Field("aspect_ratio", ratio.ToString());
            }
        }

        if (request.AspectRatio is { } unusedRatio && !fields.HasFlag(StabilityFields.AspectRatio))
        {
            Drop("AspectRatio", unusedRatio.ToString(), "the output keeps the input image's shape");
        }

        if (request.Size is { } size && !fields.HasFlag(StabilityFields.AspectRatio) && !fields.HasFlag(StabilityFields.Outpaint))
        {
            Drop("Size", size.ToString(), "the output size follows the input image");
        }

        if (request.Steps is { } steps)
        {
            Drop("Steps", steps.ToString(CultureInfo.InvariantCulture), "Stability's v2beta API has no step count");
        }

        form.Field("seed", request.Seed);
        form.Field("output_format", request.OutputFormat?.Value);
        form.Field("style_preset", Only(StabilityFields.StylePreset, "StylePreset", options.StylePreset));
        double? cfg = options.CfgScale ?? request.GuidanceScale;
        form.Field("cfg_scale", fields.HasFlag(StabilityFields.CfgScale) ? InRange("CfgScale", cfg, 1, 10) : null);
        if (cfg is not null && !fields.HasFlag(StabilityFields.CfgScale) && request.GuidanceScale is null)
        {
            Drop("CfgScale", cfg.Value.ToString(CultureInfo.InvariantCulture), $"Stability's {endpoint.Model} does not take it");
        }

        if (imageToImage)
        {
            double strength = request.Strength ?? 0.5;
            if (request.Strength is null)
            {
                warnings.Add(ImageRequestValidator.ReportAdjusted(behavior, ProviderName, endpoint.Model, "Strength", "(unset)", "0.5", "Stability needs a strength with an input image"));
            }

            form.Field("strength", strength);
        }
        else if (request.Strength is { } unused)
        {
            Drop("Strength", unused.ToString(CultureInfo.InvariantCulture), fields.HasFlag(StabilityFields.StyleTransfer)
                ? "style-transfer has no single strength; set StabilityAIRequestOptions.StyleStrength or ChangeStrength"
                : $"Stability's {endpoint.Model} does not take it");
        }

        form.Field("grow_mask", Only(StabilityFields.GrowMask, "GrowMask", options.GrowMask is { } grow
            ? (grow < 0 || grow > (endpoint.MaxGrowMask ?? 100) ? throw new ArgumentOutOfRangeException(nameof(options), grow, $"StabilityAIRequestOptions.GrowMask must be between 0 and {endpoint.MaxGrowMask ?? 100} for {endpoint.Model}; it is {grow}.") : grow.ToString(CultureInfo.InvariantCulture))
            : null));
        if (fields.HasFlag(StabilityFields.Outpaint))
        {
            AddOutpaintEdges(form, request, options, endpoint, warnings, behavior);
        }

        Number(StabilityFields.Creativity, "creativity", "Creativity", options.Creativity, endpoint.Creativity.Min, endpoint.Creativity.Max);
        Number(StabilityFields.ControlStrength, "control_strength", "ControlStrength", options.ControlStrength, 0, 1);
        Number(StabilityFields.Fidelity, "fidelity", "Fidelity", options.Fidelity, 0, 1);

        // style-transfer ranges: style_strength 0-1 (spec mirror: 0 keeps the input, 1 ignores it); composition_fidelity 0-1 and
        // change_strength 0.1-1 as Comfy Router's published Stability schema gives them (the mirror states only defaults).
        Number(StabilityFields.StyleTransfer, "style_strength", "StyleStrength", options.StyleStrength, 0, 1);
        Number(StabilityFields.StyleTransfer, "composition_fidelity", "CompositionFidelity", options.CompositionFidelity, 0, 1);
        Number(StabilityFields.StyleTransfer, "change_strength", "ChangeStrength", options.ChangeStrength, 0.1, 1);
        if (fields.HasFlag(StabilityFields.Relight))
        {
            AddRelight(form, request, options, endpoint);
        }
        else
        {
            Only(StabilityFields.Relight, "ForegroundPrompt", options.ForegroundPrompt is null ? null : "(set)");
            Only(StabilityFields.Relight, "BackgroundReference", options.BackgroundReference?.ToString());
            Only(StabilityFields.Relight, "LightReference", options.LightReference?.ToString());
            Only(StabilityFields.Relight, "LightSourceDirection", options.LightSourceDirection);
            Only(StabilityFields.Relight, "KeepOriginalBackground", options.KeepOriginalBackground?.ToString());
            foreach (var (setting, value) in new[] { ("PreserveOriginalSubject", options.PreserveOriginalSubject), ("OriginalBackgroundDepth", options.OriginalBackgroundDepth), ("LightSourceStrength", options.LightSourceStrength) })
            {
                Only(StabilityFields.Relight, setting, value?.ToString(CultureInfo.InvariantCulture));
            }
        }
        form.Field("search_prompt", fields.HasFlag(StabilityFields.SearchPrompt)
            ? options.SearchPrompt ?? throw Invalid(endpoint.Model, "Stability's search-and-replace needs StabilityAIRequestOptions.SearchPrompt (what to replace).")
            : Only(StabilityFields.SearchPrompt, "SearchPrompt", options.SearchPrompt));
        form.Field("select_prompt", fields.HasFlag(StabilityFields.SelectPrompt)
            ? options.SelectPrompt ?? throw Invalid(endpoint.Model, "Stability's search-and-recolor needs StabilityAIRequestOptions.SelectPrompt (what to recolor).")
            : Only(StabilityFields.SelectPrompt, "SelectPrompt", options.SelectPrompt));
        foreach (var extra in new[] { json, options.Fields })
        {
            if (extra is not null)
            {
                ProviderOptionsReader.ThrowIfReserved(extra, ProviderName, Reserved);
                form.Fields(extra);
            }
        }

        if (fields.HasFlag(StabilityFields.Image) && request.InputImages.Count > 0 && (request.Operation != ImageOperation.Generate))
        {
            form.File(endpoint.ImagePart, request.InputImages[0], endpoint.ImagePart);
        }

        if (fields.HasFlag(StabilityFields.StyleTransfer))
        {
            var style = request.InputImages.Count > 1 ? request.InputImages[1] : throw Invalid(endpoint.Model, "Stability's style-transfer needs two input images: request.InputImages[0] is restyled (init_image) and request.InputImages[1] gives the style (style_image).");
            form.File("style_image", style, "style_image");
        }

        if (fields.HasFlag(StabilityFields.Relight))
        {
            if (options.BackgroundReference is { } background)
            {
                form.File("background_reference", background, "background_reference");
            }

            if (options.LightReference is { } light)
            {
                form.File("light_reference", light, "light_reference");
            }
        }

        if (request.Mask is { } mask)
        {
            if (fields.HasFlag(StabilityFields.Mask))
            {
                form.File("mask", mask, "mask");
            }
            else
            {
                Drop("Mask", "(set)", $"Stability's {endpoint.Model} takes no mask");
            }
        }

        return form.Content;
    }

    // Rules of replace-background-and-relight (spec mirror): background_prompt and/or background_reference is required;
    // light_source_strength needs light_reference or light_source_direction; the 0-1 ranges are PROVIDERS.md 2.3's.
    private static void AddRelight(MultipartForm form, ImageGenerationRequest request, StabilityAIRequestOptions options, StabilityEndpoint endpoint)
    {
        string? background = string.IsNullOrWhiteSpace(request.Prompt) ? null : request.Prompt;
        if (background is null && options.BackgroundReference is null)
        {
            throw Invalid(endpoint.Model, "Stability's replace-background-and-relight needs request.Prompt (sent as background_prompt), StabilityAIRequestOptions.BackgroundReference, or both.");
        }

        string? direction = options.LightSourceDirection?.Trim().ToLowerInvariant();
        if (direction is not null && !LightDirections.Contains(direction))
        {
            throw new ArgumentException($"StabilityAIRequestOptions.LightSourceDirection must be one of {string.Join(", ", LightDirections)}; it is '{options.LightSourceDirection}'.", nameof(options));
        }

        if (options.LightSourceStrength is not null && direction is null && options.LightReference is null)
        {
            throw Invalid(endpoint.Model, "StabilityAIRequestOptions.LightSourceStrength needs StabilityAIRequestOptions.LightSourceDirection or LightReference: Stability takes a light strength only with a light source.");
        }

        form.Field("background_prompt", background)
            .Field("foreground_prompt", options.ForegroundPrompt)
            .Field("preserve_original_subject", CheckRange(endpoint, "PreserveOriginalSubject", options.PreserveOriginalSubject, 0, 1))
            .Field("original_background_depth", CheckRange(endpoint, "OriginalBackgroundDepth", options.OriginalBackgroundDepth, 0, 1))
            .Field("keep_original_background", options.KeepOriginalBackground)
            .Field("light_source_direction", direction)
            .Field("light_source_strength", CheckRange(endpoint, "LightSourceStrength", options.LightSourceStrength, 0, 1));
    }

    // NaN fails the range test too, so it never reaches the form.
    private static double? CheckRange(StabilityEndpoint endpoint, string setting, double? value, double min, double max) =>
        value is { } v && !(v >= min && v <= max)
            ? throw new ArgumentOutOfRangeException("options", v, $"StabilityAIRequestOptions.{setting} must be between {min.ToString(CultureInfo.InvariantCulture)} and {max.ToString(CultureInfo.InvariantCulture)} for {endpoint.Model}; it is {v.ToString(CultureInfo.InvariantCulture)}.")
            : value;

    private static void AddOutpaintEdges(MultipartForm form, ImageGenerationRequest request, StabilityAIRequestOptions options, StabilityEndpoint endpoint, List<ImageGenerationWarning> warnings, UnsupportedSettingBehavior behavior)
    {
        int? left = options.Left, right = options.Right, up = options.Up, down = options.Down;
        bool edgesGiven = left is not null || right is not null || up is not null || down is not null;
        if (request.Size is { } target)
        {
            // Outpaint takes edges, not a size: say exactly what became of the Size.
            var source = request.InputImages[0].Size;
            if (edgesGiven || source is null)
            {
                warnings.Add(ImageRequestValidator.ReportUnsupported(behavior, ProviderName, endpoint.Model, "Size", target.ToString(), edgesGiven
                    ? "the explicit Left/Right/Up/Down edges decide the output size, so the Size was ignored"
                    : "the input image's size could not be read, so no edges could be derived from the Size"));
            }
            else
            {
                // Grow evenly to the requested size; a side already larger than asked is kept (outpaint never crops).
                int wide = Math.Max(0, target.Width - source.Value.Width), tall = Math.Max(0, target.Height - source.Value.Height);
                (left, right, up, down) = (wide / 2, wide - (wide / 2), tall / 2, tall - (tall / 2));
                var reached = new ImageSize(source.Value.Width + wide, source.Value.Height + tall);
                warnings.Add(ImageRequestValidator.ReportAdjusted(behavior, ProviderName, endpoint.Model, "Size", target.ToString(), reached.ToString(),
                    $"outpaint grows the {source.Value} input by left {left}, right {right}, up {up}, down {down} px" + (reached == target ? "" : "; it never crops, so a side already larger than asked is kept")));
            }
        }

        foreach (var (name, value) in new[] { ("Left", left), ("Right", right), ("Up", up), ("Down", down) })
        {
            if (value is < 0 or > 2000)
            {
                throw new ArgumentOutOfRangeException(nameof(options), value, $"StabilityAIRequestOptions.{name} must be between 0 and 2000 pixels; it is {value}.");
            }
        }

        if ((left ?? 0) + (right ?? 0) + (up ?? 0) + (down ?? 0) == 0)
        {
            throw Invalid(endpoint.Model, "Stability's outpaint needs at least one of StabilityAIRequestOptions.Left, Right, Up, Down above 0 (or a request.Size larger than the input image).");
        }

        form.Field("left", left).Field("right", right).Field("up", up).Field("down", down);
    }

    private HttpRequestMessage Request(HttpMethod method, string path)
    {
        var message = new HttpRequestMessage(method, new Uri(ImageGenerationHttp.WithTrailingSlash(_options.Endpoint), path));
        message.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _options.ApiKey);
        message.Headers.Accept.ParseAdd(_options.Accept);
        if (_options.ClientId is { } client)
        {
            message.Headers.TryAddWithoutValidation("stability-client-id", client);
        }

        if (_options.ClientVersion is { } version)
        {
            message.Headers.TryAddWithoutValidation("stability-client-version", version);
        }

        return message;
    }

    private async Task<StabilityImage> ReadImageAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        string? requestId = Header(response, "x-request-id");
        if (PooledBuffer.IsJsonContent(response.Content))
        {
            using var body = await _transport.ReadBodyAsync(response, 128L * 1024 * 1024, cancellationToken).ConfigureAwait(false);
            return ReadJsonImage(body.Span, requestId);
        }

        var (data, mediaType) = await _transport.ReadImageAsync(response, 128L * 1024 * 1024, model: null, cancellationToken).ConfigureAwait(false);
        long? seed = long.TryParse(Header(response, "seed"), NumberStyles.None, CultureInfo.InvariantCulture, out long parsed) ? parsed : null;
        return new StabilityImage(data, mediaType, seed, Header(response, "finish-reason"), requestId);
    }

    private static StabilityImage ReadJsonImage(ReadOnlySpan<byte> json, string? requestId)
    {
        var reader = new Utf8JsonReader(json);
        byte[]? data = null;
        long? seed = null;
        string? finish = null;
        try
        {
            reader.Read();
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("image"u8))
                {
                    reader.Read();
                    data = Base64Image.Decode(ref reader);
                }
                else if (reader.ValueTextEquals("seed"u8))
                {
                    reader.Read();
                    seed = reader.TokenType == JsonTokenType.Number ? reader.GetInt64() : null;
                }
                else if (reader.ValueTextEquals("finish_reason"u8))
                {
                    reader.Read();
                    finish = reader.GetString();
                }
                else
                {
                    reader.Read();
                    reader.Skip();
                }
            }
        }
        catch (JsonException ex)
        {
            throw new ImageGenerationException(ImageGenerationErrorKind.UnexpectedResponse, "Stability answered with JSON this SDK could not read.", ex) { Provider = ProviderName };
        }

        if (data is null)
        {
            throw Unexpected(null, "Stability answered with JSON without an image.");
        }

        return new StabilityImage(data, ImageHeader.SniffMediaType(data) ?? "image/png", seed, finish, requestId);
    }

    private static string? ReadId(ReadOnlySpan<byte> json)
    {
        try
        {
            using var document = JsonDocument.Parse(json.ToArray());
            return document.RootElement.TryGetProperty("id", out var id) ? id.GetString() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) || response.Content.Headers.TryGetValues(name, out values) ? values.FirstOrDefault() : null;

    private static ImageGenerationException Invalid(string model, string message) =>
        new(ImageGenerationErrorKind.InvalidRequest, message) { Provider = ProviderName, Model = model };

    private static ImageGenerationException Unexpected(string? model, string message) =>
        new(ImageGenerationErrorKind.UnexpectedResponse, message) { Provider = ProviderName, Model = model };
}

/// <summary>An image Stability returned, with its metadata.</summary>
internal sealed record StabilityImage(byte[] Data, string MediaType, long? Seed, string? FinishReason, string? RequestId);
