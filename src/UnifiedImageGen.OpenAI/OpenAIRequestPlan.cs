using System.Globalization;
using System.Text.Json.Nodes;
using UnifiedImageGen.Imaging;
using UnifiedImageGen.Providers;
using UnifiedImageGen.Validation;

namespace UnifiedImageGen.OpenAI;

/// <summary>
/// A request resolved against one OpenAI model: validated, adjusted, with every OpenAI field decided and every
/// dropped or changed setting recorded as a warning. Built once per call, before anything is sent.
/// </summary>
internal sealed class OpenAIRequestPlan
{
    // Members the SDK sets itself; a JsonObject in ProviderOptions may not override them.
    internal static readonly string[] ReservedMembers = ["model", "prompt", "n", "stream", "partial_images", "image", "image[]", "images", "mask"];

    // JSON edits (EditImageBodyJsonParam): size is this fixed list, and an image_url at most this many characters
    // (openai-openapi.yaml; PROVIDERS.md 13.2). Free WxH sizes exist only in multipart.
    internal const int MaxImageUrlLength = 20_971_520;
    private static readonly ImageSize[] JsonEditSizes = [new(1024, 1024), new(1536, 1024), new(1024, 1536)];

    private OpenAIRequestPlan(ImageGenerationRequest request, ImageModelDescriptor model, OpenAIModelFamily family, List<ImageGenerationWarning> warnings, JsonObject? extra)
    {
        Request = request;
        Model = model;
        Family = family;
        Warnings = warnings;
        ExtraMembers = extra;
    }

    public ImageGenerationRequest Request { get; private set; }

    public ImageModelDescriptor Model { get; }

    public OpenAIModelFamily Family { get; }

    public List<ImageGenerationWarning> Warnings { get; }

    public JsonObject? ExtraMembers { get; }

    public string? Style { get; private set; }

    /// <summary>The <c>size</c> sent, or null when the model default applies or the host refuses sizes.</summary>
    public string? Size { get; private set; }

    /// <summary>The <c>quality</c> sent, or null.</summary>
    public string? Quality { get; private set; }

    /// <summary>The <c>aspect_ratio</c> sent to a compatible host that takes it (xAI), or null.</summary>
    public string? AspectRatio { get; private set; }

    public string? Background { get; private set; }

    public string? Moderation { get; private set; }

    public int? OutputCompression { get; private set; }

    public string? ResponseFormat { get; private set; }

    public string? InputFidelity { get; private set; }

    public string? OutputFormat { get; private set; }

    public string? User { get; private set; }

    public int? PartialImages { get; private set; }

    /// <summary>Whether an edit must use the JSON encoding (an input is a URL).</summary>
    public bool UsesJsonEdit => Request.InputImages.Any(i => i.IsUri) || Request.Mask is { IsUri: true };

    public static OpenAIRequestPlan Create(ImageGenerationRequest request, ImageGeneratorMetadata metadata, OpenAIImageGeneratorOptions options)
    {
        ImageRequestValidator.ValidateArguments(request);
        string modelId = request.Model ?? options.DefaultModel ?? metadata.DefaultModel;
        var descriptor = metadata.GetModel(modelId);
        var behavior = options.UnsupportedSettingBehavior;
        var validation = ImageRequestValidator.Validate(request with { Model = modelId }, descriptor, behavior, OpenAIImageGenerator.ProviderName);
        var (typed, extra) = ProviderOptionsReader.Read<OpenAIRequestOptions>(request, OpenAIImageGenerator.ProviderName);
        if (extra is not null)
        {
            ProviderOptionsReader.ThrowIfReserved(extra, OpenAIImageGenerator.ProviderName, ReservedMembers);
        }

        var plan = new OpenAIRequestPlan(validation.Request, descriptor, OpenAIModels.FamilyOf(modelId), [.. validation.Warnings], extra);
        plan.CheckInputs(behavior);
        plan.Resolve(typed ?? new OpenAIRequestOptions(), options, behavior);
        return plan;
    }

    private void Resolve(OpenAIRequestOptions typed, OpenAIImageGeneratorOptions options, UnsupportedSettingBehavior behavior)
    {
        bool gpt = Family == OpenAIModelFamily.GptImage;
        bool compatible = Family == OpenAIModelFamily.Compatible;
        User = Request.User ?? typed.User ?? options.User;

        if (Request.Strength is { } strength && Request.Operation == ImageOperation.ImageToImage)
        {
            Unsupported(behavior, "Strength", strength.ToString(CultureInfo.InvariantCulture), "OpenAI edits have no strength setting");
        }

        string? style = Request.Style ?? typed.Style;
        if (style is not null)
        {
            if (Family == OpenAIModelFamily.DallE3 ? style is "vivid" or "natural" : compatible && options.CompatibleHost.TakesStyle)
            {
                Style = style;
            }
            else
            {
                Unsupported(behavior, "Style", style, Family == OpenAIModelFamily.DallE3 ? "dall-e-3 takes vivid or natural" : compatible ? "this host takes no style" : "only dall-e-3 takes a style");
            }
        }

        OutputFormat = Request.OutputFormat?.Value;
        if (OutputFormat is not null && !gpt)
        {
            if (compatible)
            {
                Unsupported(behavior, "OutputFormat", OutputFormat, "OpenAI-compatible hosts are sent only the common fields");
            }

            OutputFormat = null; // DALL-E returns PNG; the validator already warned when something else was asked.
        }

        ResolveShape(compatible ? options.CompatibleHost : null, behavior);
        Background = GptOnly(behavior, gpt, "Background", typed.Background);
        Moderation = GptOnly(behavior, gpt, "Moderation", typed.Moderation);
        if (Moderation is not null && Request.Operation is not ImageOperation.Generate && !UsesJsonEdit)
        {
            // The multipart CreateImageEditRequest has no moderation field (a 400); only the JSON edit body has it
            // (openai-openapi.yaml; PROVIDERS.md 13.2).
            Unsupported(behavior, "Moderation", Moderation, "edits of byte inputs go as multipart, which has no moderation field; only edits with URL inputs (JSON) take it");
            Moderation = null;
        }
        if (Background == "transparent" && OutputFormat == "jpeg")
        {
            Warnings.Add(ImageRequestValidator.ReportAdjusted(behavior, OpenAIImageGenerator.ProviderName, Model.Id, "OutputFormat", "jpeg", "png", "a transparent background needs PNG or WebP output"));
            OutputFormat = "png";
        }

        if (typed.OutputCompression is { } compression)
        {
            if (compression is < 0 or > 100)
            {
                throw new ArgumentOutOfRangeException("request", compression, $"OpenAIRequestOptions.OutputCompression must be between 0 and 100; it is {compression}.");
            }

            OutputCompression = gpt && OutputFormat is "jpeg" or "webp" ? compression : null;
            if (OutputCompression is null)
            {
                Unsupported(behavior, "OutputCompression", compression.ToString(CultureInfo.InvariantCulture), "it applies only to GPT image models with JPEG or WebP output");
            }
        }

        if (typed.InputFidelity is { } fidelity)
        {
            bool applies = gpt && Request.Operation is ImageOperation.ImageToImage or ImageOperation.Inpaint && !Model.Id.Equals(OpenAIModels.GptImage1Mini, StringComparison.OrdinalIgnoreCase);
            InputFidelity = applies ? fidelity : null;
            if (!applies)
            {
                Unsupported(behavior, "InputFidelity", fidelity, "it applies only to edits with GPT image models other than gpt-image-1-mini");
            }
        }

        if (typed.PartialImages is { } partial && partial is < 0 or > 3)
        {
            throw new ArgumentOutOfRangeException("request", partial, $"OpenAIRequestOptions.PartialImages must be between 0 and 3; it is {partial}.");
        }

        PartialImages = typed.PartialImages;
        ResponseFormat = Family switch
        {
            OpenAIModelFamily.GptImage when typed.ResponseFormat is not null => GptOnlyRefusal(behavior, typed.ResponseFormat),
            OpenAIModelFamily.GptImage => null,
            OpenAIModelFamily.Compatible => typed.ResponseFormat,
            _ => typed.ResponseFormat ?? "b64_json", // DALL-E: bytes in the answer, no second download of an expiring URL
        };
    }

    // size, quality and aspect_ratio: OpenAI's models take size and quality; a compatible host takes what its profile says.
    private void ResolveShape(OpenAICompatibleHostProfile? host, UnsupportedSettingBehavior behavior)
    {
        Size = Request.Size?.ToString();
        Quality = Request.Quality?.Value;
        if (host is null)
        {
            return;
        }

        if (Quality is not null && !host.TakesQuality)
        {
            Unsupported(behavior, "Quality", Quality, "this host takes no quality");
            Quality = null;
        }

        var ratio = Request.AspectRatio;
        if (Request.Size is { } size && !host.TakesSize)
        {
            Size = null;
            if (host.TakesAspectRatio && ratio is null)
            {
                ratio = global::UnifiedImageGen.AspectRatio.FromSize(size);
                Warnings.Add(ImageRequestValidator.ReportAdjusted(behavior, OpenAIImageGenerator.ProviderName, Model.Id, "Size", size.ToString(), $"aspect_ratio {ratio}", "this host takes aspect_ratio, not size"));
            }
            else
            {
                Unsupported(behavior, "Size", size.ToString(), "this host takes no size");
            }
        }

        if (ratio is not { } requested)
        {
            return;
        }

        if (!host.TakesAspectRatio)
        {
            Unsupported(behavior, "AspectRatio", requested.ToString(), "this host takes no aspect_ratio; set Size");
            return;
        }

        var allowed = host.AspectRatios.Select(r => global::UnifiedImageGen.AspectRatio.Parse(r, null)).ToArray();
        var applied = allowed.Length == 0 || allowed.Contains(requested) ? requested : requested.Nearest(allowed);
        if (applied != requested)
        {
            Warnings.Add(ImageRequestValidator.ReportAdjusted(behavior, OpenAIImageGenerator.ProviderName, Model.Id, "AspectRatio", requested.ToString(), applied.ToString(), $"this host takes {string.Join(", ", host.AspectRatios)}"));
        }

        AspectRatio = applied.ToString();
    }

    private void CheckInputs(UnsupportedSettingBehavior behavior)
    {
        if (Request.Operation is ImageOperation.Generate)
        {
            return;
        }

        if (UsesJsonEdit)
        {
            CheckJsonEdit(behavior);
        }

        if (UsesJsonEdit && Family != OpenAIModelFamily.GptImage)
        {
            throw Invalid($"Model '{Model.Id}' needs input images as bytes; URL inputs are accepted only by GPT image models (JSON edits).");
        }

        var first = Request.InputImages[0];
        if (Family == OpenAIModelFamily.DallE2 && !first.IsUri)
        {
            if (first.MediaType != "image/png" || first.Size is not { } size || size.Width != size.Height)
            {
                throw Invalid("dall-e-2 edits and variations need one square PNG image (request.InputImages[0]).");
            }
        }

        if (Request.Mask is { IsUri: false } mask)
        {
            if (mask.MediaType != "image/png")
            {
                throw Invalid($"request.Mask must be a PNG (transparent where to edit); it is {mask.MediaType}.");
            }

            if (!first.IsUri && mask.Size is { } maskSize && first.Size is { } imageSize && maskSize != imageSize)
            {
                throw Invalid($"request.Mask is {maskSize} but the first input image is {imageSize}; OpenAI needs them the same size.");
            }
        }

        if (Request.Operation == ImageOperation.Variation && !string.IsNullOrWhiteSpace(Request.Prompt))
        {
            Unsupported(behavior, "Prompt", "(set)", "variations take no prompt");
            Request = Request with { Prompt = null };
        }
    }

    // A JSON edit (chosen because an input is a URL) takes only the fixed sizes and image_url values up to 20,971,520
    // characters; bytes that would exceed it as a data: URL must go as multipart, which needs every input as bytes.
    private void CheckJsonEdit(UnsupportedSettingBehavior behavior)
    {
        if (Request.Size is { } size && !JsonEditSizes.Contains(size))
        {
            var nearest = size.Nearest(JsonEditSizes);
            Warnings.Add(ImageRequestValidator.ReportAdjusted(behavior, OpenAIImageGenerator.ProviderName, Model.Id, "Size", size.ToString(), nearest.ToString(), "edits with URL inputs (JSON) take auto, 1024x1024, 1536x1024 or 1024x1536; custom sizes need every input as bytes (multipart)"));
            Request = Request with { Size = nearest };
        }

        for (int i = 0; i < Request.InputImages.Count; i++)
        {
            CheckDataUrlLength(Request.InputImages[i], $"request.InputImages[{i}]");
        }

        if (Request.Mask is { } mask)
        {
            CheckDataUrlLength(mask, "request.Mask");
        }
    }

    private void CheckDataUrlLength(ImageInput input, string parameter)
    {
        if (input.IsUri)
        {
            return;
        }

        long length = DataUrlLength(input);
        if (length > MaxImageUrlLength)
        {
            throw Invalid($"{parameter} would be a data: URL of {length:N0} characters; OpenAI's JSON edits (used because another input is a URL) take at most {MaxImageUrlLength:N0}. Pass every input as bytes (sent as multipart, up to 50 MB each) or this one as an https URL.");
        }
    }

    internal static long DataUrlLength(ImageInput input) =>
        "data:".Length + input.MediaType.Length + ";base64,".Length + ((input.Data.Length + 2L) / 3 * 4);

    private string? GptOnly(UnsupportedSettingBehavior behavior, bool gpt, string setting, string? value)
    {
        if (value is null || gpt)
        {
            return value;
        }

        Unsupported(behavior, setting, value, "only GPT image models take it");
        return null;
    }

    private string? GptOnlyRefusal(UnsupportedSettingBehavior behavior, string value)
    {
        Unsupported(behavior, "ResponseFormat", value, "GPT image models always answer with base64 and reject response_format");
        return null;
    }

    private void Unsupported(UnsupportedSettingBehavior behavior, string setting, string requested, string detail) =>
        Warnings.Add(ImageRequestValidator.ReportUnsupported(behavior, OpenAIImageGenerator.ProviderName, Model.Id, setting, requested, detail));

    private ImageGenerationException Invalid(string message) =>
        new(ImageGenerationErrorKind.InvalidRequest, message) { Provider = OpenAIImageGenerator.ProviderName, Model = Model.Id };
}
