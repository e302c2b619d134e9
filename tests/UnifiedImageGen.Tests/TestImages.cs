using UnifiedImageGen.Imaging;

namespace UnifiedImageGen.Tests;

internal static class TestImages
{
    public static byte[] Png(int width = 4, int height = 4) => PngEncoder.Encode(new byte[width * height * 4], width, height);

    // The smallest JPEG header the sniffer and size reader need: SOI, an APP0 segment, then SOF0 with 3x2 pixels.
    public static byte[] Jpeg() =>
    [
        0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, (byte)'J', (byte)'F', (byte)'I', (byte)'F', 0, 1, 1, 0, 0, 1, 0, 1, 0, 0,
        0xFF, 0xC0, 0x00, 0x11, 0x08, 0x00, 0x02, 0x00, 0x03, 0x03, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1, 0xFF, 0xD9,
    ];
}
