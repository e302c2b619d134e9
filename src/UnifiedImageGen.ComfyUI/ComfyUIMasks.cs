using UnifiedImageGen.Imaging;

namespace UnifiedImageGen.ComfyUI;

/// <summary>
/// Chooses the <c>LoadImageMask</c> channel that reads a request's mask the way the other providers do (PROVIDERS.md
/// 13.12): nodes.py <c>LoadImageMask.load_image</c> gives 1 - alpha for <c>"alpha"</c> (transparent repaints, OpenAI's
/// convention) and the channel's level for <c>"red"</c> (white repaints, Stability's and BFL's). A mask with any
/// transparent pixel is read by its alpha; an opaque one (black and white, RGB or JPEG) by its red level.
/// </summary>
internal static class ComfyUIMasks
{
    private static ReadOnlySpan<byte> PngSignature => [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    public static string Channel(ReadOnlySpan<byte> image) => HasTransparency(image) ? "alpha" : "red";

    internal static bool HasTransparency(ReadOnlySpan<byte> image)
    {
        if (!image.StartsWith(PngSignature))
        {
            return false; // JPEG and friends have no alpha
        }

        if (!PngDecoder.TryDecode(image, out _, out _, out byte[] rgba))
        {
            return true; // an unreadable PNG keeps the alpha reading, the first convention of ImageGenerationRequest.Mask
        }

        for (int i = 3; i < rgba.Length; i += 4)
        {
            if (rgba[i] != 255)
            {
                return true;
            }
        }

        return false;
    }
}
