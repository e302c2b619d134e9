using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace UnifiedImageGen.Caching;

/// <summary>
/// The cache key of a request: SHA-256 over a canonical, versioned form of everything that changes the image — the
/// provider and model, the prompt normalized (Unicode NFC, trimmed, runs of white space collapsed to one space, case
/// kept), every setting with its default written out, the SHA-256 of each input image and mask, and the provider
/// options. The end user is not part of it.
/// </summary>
public static class ImageCacheKey
{
    /// <summary>The version of the canonical form; bumping it invalidates every stored entry.</summary>
    public const string Version = "uig-cache-v1";

    /// <summary>Computes the key, or returns null when the request cannot be keyed safely (typed provider options that are not records).</summary>
    /// <param name="providerFamily">The provider (or router) name.</param>
    /// <param name="model">The model the request resolves to (its default made explicit).</param>
    /// <param name="request">The request.</param>
    /// <returns>64 lower-case hex characters, or null.</returns>
    public static string? Compute(string providerFamily, string model, ImageGenerationRequest request)
    {
        ArgumentNullException.ThrowIfNull(providerFamily);
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(request);
        var writer = new CanonicalWriter();
        try
        {
            writer.Field(Version);
            writer.Field(providerFamily.ToLowerInvariant());
            writer.Field(model);
            writer.Field(request.Operation.ToString());
            writer.Number(request.Count);
            writer.Text(request.Prompt);
            writer.Text(request.NegativePrompt);
            writer.Field(request.Size?.ToString() ?? "default");
            writer.Field(request.AspectRatio?.ToString() ?? "default");
            if (request.Seed is { } seed)
            {
                writer.Number(seed);
            }
            else
            {
                writer.Field("random");
            }

            writer.Field(request.Quality?.Value.ToLowerInvariant() ?? "auto");
            writer.Field(request.Style ?? "default");
            writer.Field(request.OutputFormat?.Value ?? "default");
            writer.Double(request.Strength);
            writer.Field(request.Steps?.ToString(CultureInfo.InvariantCulture) ?? "default");
            writer.Double(request.GuidanceScale);
            foreach (var lora in request.Loras)
            {
                writer.Field(lora.Path);
                writer.Double(lora.Scale);
            }

            writer.Field("inputs");
            foreach (var input in request.InputImages)
            {
                writer.Image(input);
            }

            writer.Field("mask");
            if (request.Mask is { } mask)
            {
                writer.Image(mask);
            }

            if (!writer.ProviderOptions(request.ProviderOptions))
            {
                return null;
            }

            return writer.Hash();
        }
        finally
        {
            writer.Dispose();
        }
    }

    /// <summary>The prompt as it is keyed: NFC, trimmed, white-space runs collapsed to one space, case kept.</summary>
    /// <param name="prompt">The prompt.</param>
    public static string NormalizePrompt(string prompt)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        string normalized = prompt.IsNormalized(NormalizationForm.FormC) ? prompt : prompt.Normalize(NormalizationForm.FormC);
        var builder = new StringBuilder(normalized.Length);
        bool pendingSpace = false;
        foreach (var rune in normalized.EnumerateRunes())
        {
            if (Rune.IsWhiteSpace(rune))
            {
                pendingSpace = builder.Length > 0;
                continue;
            }

            if (pendingSpace)
            {
                builder.Append(' ');
                pendingSpace = false;
            }

            builder.Append(rune.ToString());
        }

        return builder.ToString();
    }

    // Writes fields separated by 0x1F into a pooled buffer, then hashes it; no strings are built for the common fields.
    private struct CanonicalWriter : IDisposable
    {
        private byte[] _buffer;
        private int _length;

        public CanonicalWriter()
        {
            _buffer = ArrayPool<byte>.Shared.Rent(1024);
            _length = 0;
        }

        public void Field(string value)
        {
            Ensure(Encoding.UTF8.GetMaxByteCount(value.Length) + 1);
            _length += Encoding.UTF8.GetBytes(value, _buffer.AsSpan(_length));
            _buffer[_length++] = 0x1F;
        }

        public void Number(long value)
        {
            Ensure(21);
            value.TryFormat(_buffer.AsSpan(_length), out int written, default, CultureInfo.InvariantCulture);
            _length += written;
            _buffer[_length++] = 0x1F;
        }

        public void Double(double? value)
        {
            if (value is not { } number)
            {
                Field("default");
                return;
            }

            Ensure(32);
            number.TryFormat(_buffer.AsSpan(_length), out int written, "R", CultureInfo.InvariantCulture);
            _length += written;
            _buffer[_length++] = 0x1F;
        }

        public void Text(string? text)
        {
            if (text is null)
            {
                Field("none");
                return;
            }

            string normalized = text.IsNormalized(NormalizationForm.FormC) ? text : text.Normalize(NormalizationForm.FormC);
            Ensure((normalized.Length * 4) + 1);
            bool pendingSpace = false, started = false;
            foreach (var rune in normalized.EnumerateRunes())
            {
                if (Rune.IsWhiteSpace(rune))
                {
                    pendingSpace = started;
                    continue;
                }

                if (pendingSpace)
                {
                    _buffer[_length++] = (byte)' ';
                    pendingSpace = false;
                }

                _length += rune.EncodeToUtf8(_buffer.AsSpan(_length));
                started = true;
            }

            _buffer[_length++] = 0x1F;
        }

        public void Image(ImageInput input)
        {
            if (input.IsUri)
            {
                Field("url:" + input.Uri!.AbsoluteUri);
                return;
            }

            Ensure(33);
            SHA256.HashData(input.Data.Span, _buffer.AsSpan(_length, 32));
            _length += 32;
            _buffer[_length++] = 0x1F;
        }

        public bool ProviderOptions(IReadOnlyDictionary<string, object>? options)
        {
            if (options is null)
            {
                return true;
            }

            foreach (var pair in options.OrderBy(p => p.Key, StringComparer.OrdinalIgnoreCase))
            {
                string? canonical = pair.Value switch
                {
                    JsonObject json => Canonical(json),
                    string text => text,
                    _ => pair.Value.ToString(),
                };

                // A class without a value-printing ToString cannot be keyed: better no caching than a wrong hit.
                if (canonical is null || canonical == pair.Value.GetType().ToString())
                {
                    return false;
                }

                Field(pair.Key.ToLowerInvariant());
                Field(canonical);
            }

            return true;
        }

        public string Hash()
        {
            Span<byte> hash = stackalloc byte[32];
            SHA256.HashData(_buffer.AsSpan(0, _length), hash);
#if NET9_0_OR_GREATER
            return Convert.ToHexStringLower(hash);
#else
            return Convert.ToHexString(hash).ToLowerInvariant();
#endif
        }

        public void Dispose()
        {
            if (_buffer is not null)
            {
                ArrayPool<byte>.Shared.Return(_buffer);
                _buffer = null!;
            }
        }

        private void Ensure(int more)
        {
            if (_length + more <= _buffer.Length)
            {
                return;
            }

            var larger = ArrayPool<byte>.Shared.Rent(Math.Max(_buffer.Length * 2, _length + more));
            _buffer.AsSpan(0, _length).CopyTo(larger);
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = larger;
        }

        private static string Canonical(JsonNode? node)
        {
            var buffer = new ArrayBufferWriter<byte>();
            using (var writer = new Utf8JsonWriter(buffer))
            {
                Write(writer, node);
            }

            return Encoding.UTF8.GetString(buffer.WrittenSpan);

            static void Write(Utf8JsonWriter writer, JsonNode? node)
            {
                switch (node)
                {
                    case JsonObject obj:
                        writer.WriteStartObject();
                        foreach (var (name, value) in obj.OrderBy(p => p.Key, StringComparer.Ordinal))
                        {
                            writer.WritePropertyName(name);
                            Write(writer, value);
                        }

                        writer.WriteEndObject();
                        break;
                    case JsonArray array:
                        writer.WriteStartArray();
                        foreach (var item in array)
                        {
                            Write(writer, item);
                        }

                        writer.WriteEndArray();
                        break;
                    case null:
                        writer.WriteNullValue();
                        break;
                    default:
                        node.WriteTo(writer);
                        break;
                }
            }
        }
    }
}
