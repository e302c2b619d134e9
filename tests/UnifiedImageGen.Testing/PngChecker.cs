using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using UnifiedImageGen.Imaging;
using Xunit;

namespace UnifiedImageGen.Testing;

/// <summary>Checks a PNG the way a standard decoder would: signature, chunk CRCs, IHDR, and the inflated size of IDAT.</summary>
public static class PngChecker
{
    public sealed record PngInfo(int Width, int Height, int BitDepth, int ColorType, IReadOnlyList<string> Chunks, byte[] Inflated);

    public static PngInfo Check(ReadOnlySpan<byte> png)
    {
        Assert.True(png.Length > 8 && png[..8].SequenceEqual(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }), "PNG signature");
        int offset = 8;
        var chunks = new List<string>();
        using var idat = new MemoryStream();
        int width = 0, height = 0, depth = 0, colorType = 0;
        while (offset < png.Length)
        {
            int length = checked((int)BinaryPrimitives.ReadUInt32BigEndian(png[offset..]));
            var typeAndData = png.Slice(offset + 4, 4 + length);
            string type = Encoding.ASCII.GetString(typeAndData[..4]);
            uint crc = BinaryPrimitives.ReadUInt32BigEndian(png[(offset + 8 + length)..]);
            Assert.Equal(Crc32.Compute(typeAndData), crc);
            var data = typeAndData[4..];
            chunks.Add(type);
            if (type == "IHDR")
            {
                Assert.Equal(13, length);
                width = (int)BinaryPrimitives.ReadUInt32BigEndian(data);
                height = (int)BinaryPrimitives.ReadUInt32BigEndian(data[4..]);
                depth = data[8];
                colorType = data[9];
                Assert.Equal(0, data[10]);
                Assert.Equal(0, data[11]);
                Assert.Equal(0, data[12]);
            }
            else if (type == "IDAT")
            {
                idat.Write(data);
            }

            offset += 12 + length;
        }

        Assert.Equal(png.Length, offset);
        Assert.Equal("IHDR", chunks[0]);
        Assert.Equal("IEND", chunks[^1]);
        idat.Position = 0;
        using var inflater = new ZLibStream(idat, CompressionMode.Decompress);
        using var inflated = new MemoryStream();
        inflater.CopyTo(inflated);
        return new PngInfo(width, height, depth, colorType, chunks, inflated.ToArray());
    }
}
