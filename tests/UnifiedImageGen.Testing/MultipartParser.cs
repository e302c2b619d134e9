using System.Text;

namespace UnifiedImageGen.Testing;

/// <summary>One part of a multipart/form-data body.</summary>
public sealed record FormPart(string Name, string? FileName, string? ContentType, byte[] Data)
{
    public string Text => Encoding.UTF8.GetString(Data);
}

/// <summary>Parses a recorded multipart/form-data body, so tests can assert each part's name, file name, type and bytes.</summary>
public static class MultipartParser
{
    public static IReadOnlyList<FormPart> Parse(RecordedRequest request)
    {
        string contentType = request.ContentType ?? throw new InvalidOperationException("The request has no content type.");
        if (!contentType.StartsWith("multipart/form-data", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"Expected multipart/form-data, got {contentType}.");
        }

        string boundary = contentType.Split("boundary=")[1].Trim('"');
        byte[] delimiter = Encoding.ASCII.GetBytes("--" + boundary);
        var body = request.Body.AsSpan();
        var parts = new List<FormPart>();
        int start = body.IndexOf(delimiter) + delimiter.Length;
        while (true)
        {
            if (body[start..].StartsWith("--"u8))
            {
                break;
            }

            start += 2; // CRLF after the delimiter
            int next = body[start..].IndexOf(delimiter);
            var part = body.Slice(start, next - 2); // without the CRLF before the next delimiter
            int headerEnd = part.IndexOf("\r\n\r\n"u8);
            string headers = Encoding.ASCII.GetString(part[..headerEnd]);
            byte[] data = part[(headerEnd + 4)..].ToArray();
            string? name = null, fileName = null, type = null;
            foreach (var line in headers.Split("\r\n"))
            {
                if (line.StartsWith("Content-Disposition:", StringComparison.OrdinalIgnoreCase))
                {
                    name = Attribute(line, "name");
                    fileName = Attribute(line, "filename");
                }
                else if (line.StartsWith("Content-Type:", StringComparison.OrdinalIgnoreCase))
                {
                    type = line["Content-Type:".Length..].Trim();
                }
            }

            parts.Add(new FormPart(name ?? "", fileName, type, data));
            start += next + delimiter.Length;
        }

        return parts;
    }

    private static string? Attribute(string line, string attribute)
    {
        foreach (var piece in line.Split(';'))
        {
            var pair = piece.Trim();
            if (pair.StartsWith(attribute + "=", StringComparison.Ordinal))
            {
                return pair[(attribute.Length + 1)..].Trim('"');
            }
        }

        return null;
    }
}
