namespace UnifiedImageGen.Validation;

/// <summary>A request as a model will receive it, after validation and adjustment.</summary>
/// <param name="Request">The adjusted request: unsupported settings dropped, sizes and ratios snapped.</param>
/// <param name="Model">The descriptor the request was checked against.</param>
/// <param name="Warnings">What was dropped or adjusted.</param>
public sealed record ImageRequestValidation(
    ImageGenerationRequest Request,
    ImageModelDescriptor Model,
    IReadOnlyList<ImageGenerationWarning> Warnings);
