using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace UnifiedImageGen.Caching;

/// <summary>
/// The cache key of a request: SHA-256 over a canonical, versioned form of everything the provider receives — the
/// provider and model, the prompt normalized (Unicode NFC, trimmed, runs of white space collapsed to one space, case
/// kept), every other setting as given (an unset one written as null), the SHA-256 of each input image and mask, and
/// the provider options by value. The form is a JSON document, so every value is length-delimited and typed: no two
/// requests that differ in anything the provider receives share a key. The end user is not part of it.
/// </summary>
public static class ImageCacheKey
{
    /// <summary>The version of the canonical form; bumping it invalidates every stored entry.</summary>
    public const string Version = "uig-cache-v2";

    /// <summary>
    /// Computes the key, or returns null when the request cannot be keyed by value: provider options that are neither a
    /// <see cref="JsonObject"/> nor an <see cref="ICacheableProviderOptions"/>, options that cannot be written (such as a
    /// NaN inside a <see cref="JsonObject"/>), or two option entries whose names differ only in case (which one a
    /// provider reads would depend on their order).
    /// </summary>
    /// <param name="providerFamily">The provider (or route) name.</param>
    /// <param name="model">The model the request resolves to (its default made explicit).</param>
    /// <param name="request">The request.</param>
    /// <returns>64 lower-case hex characters, or null.</returns>
    /// <exception cref="ArgumentException">The prompt or negative prompt is not well-formed UTF-16 (an unpaired surrogate).</exception>
    public static string? Compute(string providerFamily, string model, ImageGenerationRequest request)
    {
        ArgumentNullException.ThrowIfNull(providerFamily);
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(request);
        var buffer = new ArrayBufferWriter<byte>(1024);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartArray();
            writer.WriteStringValue(Version);
            writer.WriteStringValue(providerFamily.ToLowerInvariant());
            writer.WriteStringValue(model);
            writer.WriteStartObject();
            writer.WriteNumber("operation", (int)request.Operation);
            writer.WriteNumber("count", request.Count);
            WriteText(writer, "prompt", request.Prompt);
            WriteText(writer, "negativePrompt", request.NegativePrompt);
            WritePair(writer, "size", request.Size is { } size ? (size.Width, size.Height) : null);
            WritePair(writer, "aspectRatio", request.AspectRatio is { } ratio ? (ratio.Width, ratio.Height) : null);
            WriteNumberOrNull(writer, "seed", request.Seed);
            writer.WriteString("quality", request.Quality?.Value);
            writer.WriteString("style", request.Style);
            writer.WriteString("outputFormat", request.OutputFormat?.Value);
            writer.WritePropertyName("inputs");
            writer.WriteStartArray();
            foreach (var input in request.InputImages)
            {
                WriteImage(writer, input);
            }

            writer.WriteEndArray();
            writer.WritePropertyName("mask");
            WriteImage(writer, request.Mask);
            writer.WritePropertyName("strength");
            WriteDouble(writer, request.Strength);
            writer.WritePropertyName("loras");
            writer.WriteStartArray();
            foreach (var lora in request.Loras)
            {
                if (lora is null)
                {
                    writer.WriteNullValue();
                    continue;
                }

                writer.WriteStartArray();
                writer.WriteStringValue(lora.Path);
                WriteDouble(writer, lora.Scale);
                writer.WriteEndArray();
            }

            writer.WriteEndArray();
            WriteNumberOrNull(writer, "steps", request.Steps);
            writer.WritePropertyName("guidanceScale");
            WriteDouble(writer, request.GuidanceScale);
            writer.WritePropertyName("providerOptions");
            if (!WriteProviderOptions(writer, request.ProviderOptions))
            {
                return null;
            }

            writer.WriteEndObject();
            writer.WriteEndArray();
        }

        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(buffer.WrittenSpan, hash);
#if NET9_0_OR_GREATER
        return Convert.ToHexStringLower(hash);
#else
        return Convert.ToHexString(hash).ToLowerInvariant();
#endif
    }

    /// <summary>The prompt as it is keyed: NFC, trimmed, white-space runs collapsed to one space, case kept.</summary>
    /// <param name="prompt">The prompt.</param>
    /// <exception cref="ArgumentException"><paramref name="prompt"/> holds an unpaired surrogate.</exception>
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

    private static void WriteText(Utf8JsonWriter writer, string name, string? text)
    {
        if (text is null)
        {
            writer.WriteNull(name);
            return;
        }

        // EnumerateRunes would turn an unpaired surrogate into U+FFFD and so merge it with a real U+FFFD.
        if (!IsWellFormed(text))
        {
            throw new ArgumentException($"request.{char.ToUpperInvariant(name[0])}{name[1..]} holds an unpaired surrogate: it is not well-formed UTF-16.", "request");
        }

        writer.WriteString(name, NormalizePrompt(text));
    }

    private static bool IsWellFormed(string text)
    {
        if (!text.AsSpan().ContainsAnyInRange('\uD800', '\uDFFF'))
        {
            return true;
        }

        for (int i = 0; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(text[i]))
            {
                return false;
            }
        }

        return true;
    }

    private static void WritePair(Utf8JsonWriter writer, string name, (int First, int Second)? pair)
    {
        writer.WritePropertyName(name);
        if (pair is not { } value)
        {
            writer.WriteNullValue();
            return;
        }

        writer.WriteStartArray();
        writer.WriteNumberValue(value.First);
        writer.WriteNumberValue(value.Second);
        writer.WriteEndArray();
    }

    private static void WriteNumberOrNull(Utf8JsonWriter writer, string name, long? value)
    {
        if (value is { } number)
        {
            writer.WriteNumber(name, number);
        }
        else
        {
            writer.WriteNull(name);
        }
    }

    // JSON has no NaN or infinities: those are written as strings, which no finite number is.
    private static void WriteDouble(Utf8JsonWriter writer, double? value)
    {
        if (value is not { } number)
        {
            writer.WriteNullValue();
        }
        else if (double.IsFinite(number))
        {
            writer.WriteNumberValue(number);
        }
        else
        {
            writer.WriteStringValue(number.ToString(CultureInfo.InvariantCulture));
        }
    }

    private static void WriteImage(Utf8JsonWriter writer, ImageInput? input)
    {
        if (input is null)
        {
            writer.WriteNullValue();
            return;
        }

        writer.WriteStartObject();
        if (input.IsUri)
        {
            writer.WriteString("uri", input.Uri!.AbsoluteUri);
        }
        else
        {
            Span<byte> digest = stackalloc byte[32];
            SHA256.HashData(input.Data.Span, digest);
            writer.WriteBase64String("sha256", digest);
        }

        writer.WriteEndObject();
    }

    private static bool WriteProviderOptions(Utf8JsonWriter writer, IReadOnlyDictionary<string, object>? options)
    {
        if (options is null)
        {
            writer.WriteNullValue();
            return true;
        }

        // Providers find their entry ignoring case, so names are keyed in lower case; two names that differ only in
        // case would make what a provider reads depend on their order, so such a request is not keyed at all.
        var entries = options.OrderBy(p => p.Key, StringComparer.OrdinalIgnoreCase).ThenBy(p => p.Key, StringComparer.Ordinal).ToArray();
        writer.WriteStartArray();
        for (int i = 0; i < entries.Length; i++)
        {
            var (name, value) = (entries[i].Key, entries[i].Value);
            if (i > 0 && string.Equals(entries[i - 1].Key, name, StringComparison.OrdinalIgnoreCase))
            {
                return false;
            }

            writer.WriteStartArray();
            writer.WriteStringValue(name.ToLowerInvariant());
            try
            {
                switch (value)
                {
                    case JsonObject json:
                        writer.WriteStringValue("json");
                        WriteCanonical(writer, json);
                        break;
                    case ICacheableProviderOptions typed:
                        writer.WriteStringValue("typed");
                        writer.WriteStringValue(typed.GetType().FullName);
                        int depth = writer.CurrentDepth;
                        typed.WriteCacheKey(writer);
                        if (writer.CurrentDepth != depth)
                        {
                            return false;
                        }

                        break;
                    default:
                        // A string, a class that prints its type name, a delegate: nothing to key by value.
                        return false;
                }
            }
            catch (Exception ex) when (ex is JsonException or NotSupportedException or InvalidOperationException or ArgumentException)
            {
                return false;
            }

            writer.WriteEndArray();
        }

        writer.WriteEndArray();
        return true;
    }

    // Members sorted by name, so equal objects built in another order share a key; values keep their JSON type.
    private static void WriteCanonical(Utf8JsonWriter writer, JsonNode? node)
    {
        switch (node)
        {
            case JsonObject obj:
                writer.WriteStartObject();
                foreach (var (name, value) in obj.OrderBy(p => p.Key, StringComparer.Ordinal))
                {
                    writer.WritePropertyName(name);
                    WriteCanonical(writer, value);
                }

                writer.WriteEndObject();
                break;
            case JsonArray array:
                writer.WriteStartArray();
                foreach (var item in array)
                {
                    WriteCanonical(writer, item);
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
