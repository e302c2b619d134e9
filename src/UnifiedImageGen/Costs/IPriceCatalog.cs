namespace UnifiedImageGen.Costs;

/// <summary>Prices image calls: an estimate before the call, the actual cost after it.</summary>
public interface IPriceCatalog
{
    /// <summary>The date the prices were taken.</summary>
    string AsOf { get; }

    /// <summary>Estimates what <paramref name="request"/> will cost on <paramref name="provider"/>/<paramref name="model"/>, or null when no price is known.</summary>
    /// <param name="provider">The provider name.</param>
    /// <param name="model">The model id.</param>
    /// <param name="request">The request (count, size, quality).</param>
    ImageCost? Estimate(string provider, string model, ImageGenerationRequest request);

    /// <summary>
    /// The actual cost of a finished call: the provider's reported figure when there is one, else the price of what was
    /// delivered (successful images, megapixels, GPU-seconds or credits used), else null.
    /// </summary>
    /// <param name="request">The request.</param>
    /// <param name="result">The result.</param>
    decimal? Actual(ImageGenerationRequest request, ImageGenerationResult result);
}
