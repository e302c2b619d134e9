using UnifiedImageGen.Imaging;

namespace UnifiedImageGen.Ideogram;

/// <summary>
/// Converts <see cref="ImageGenerationRequest.Mask"/> from the SDK's convention to Ideogram's. The SDK's masks repaint
/// where they are transparent (OpenAI) or, when fully opaque, where they are white (Stability, BFL): the reading the
/// ComfyUI package also applies. Ideogram's edit repaints where the mask is <b>black</b> and keeps white
/// (ideogram-openapi.json <c>EditImageRequestV3.mask</c>; PROVIDERS.md 13.12), so an unconverted mask would repaint
/// exactly the part the caller meant to keep.
/// </summary>
internal static class IdeogramMasks
{
    /// <summary>A black-and-white PNG of the mask's size: black where the SDK mask says repaint, white elsewhere.</summary>
    /// <exception cref="ArgumentException">The mask is no PNG this reader decodes (JPEG, WebP, interlaced, broken).</exception>
    public static ImageInput ToIdeogram(ImageInput mask)
    {
        if (!PngDecoder.TryDecode(mask.Data.Span, out int width, out int height, out byte[] rgba))
        {
            throw new ArgumentException(
                $"request.Mask must be a non-interlaced PNG ({mask.MediaType} given) so it can be converted to Ideogram's convention (black = edit) from the SDK's (transparent, or white, = repaint); or set IdeogramRequestOptions.SendMaskAsIs when the mask is already black where to edit.",
                "request");
        }

        bool byAlpha = false;
        for (int i = 3; i < rgba.Length && !byAlpha; i += 4)
        {
            byAlpha = rgba[i] != 255;
        }

        var output = new byte[rgba.Length];
        for (int i = 0; i < rgba.Length; i += 4)
        {
            int luma = (rgba[i] * 299 + rgba[i + 1] * 587 + rgba[i + 2] * 114) / 1000;
            bool repaint = byAlpha ? rgba[i + 3] < 128 : luma >= 128;
            byte level = repaint ? (byte)0 : (byte)255;
            (output[i], output[i + 1], output[i + 2], output[i + 3]) = (level, level, level, 255);
        }

        return ImageInput.FromBytes(PngEncoder.Encode(output, width, height), "image/png");
    }
}
