using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace UnifiedImageGen.MicrosoftExtensionsAI;

/// <summary>
/// Reads loosely typed <c>AdditionalProperties</c> values. They arrive as CLR primitives when set in code and as
/// <see cref="JsonElement"/> or <see cref="JsonNode"/> when they came through JSON, so each reader accepts all three.
/// </summary>
internal static class PropertyValues
{
    /// <summary>The form keys are compared in: lower case, without <c>_</c> and <c>-</c>.</summary>
    public static string Normalize(string key)
    {
        Span<char> buffer = key.Length <= 64 ? stackalloc char[key.Length] : new char[key.Length];
        int length = 0;
        foreach (char c in key)
        {
            if (c is not ('_' or '-'))
            {
                buffer[length++] = char.ToLowerInvariant(c);
            }
        }

        return new string(buffer[..length]);
    }

    /// <summary>Finds <paramref name="name"/> (one of <see cref="AdditionalPropertyNames"/>) in a property bag, in any spelling.</summary>
    public static object? Find(IEnumerable<KeyValuePair<string, object?>>? properties, string name)
    {
        if (properties is null)
        {
            return null;
        }

        string wanted = Normalize(name);
        foreach (var (key, value) in properties)
        {
            if (value is not null && Normalize(key) == wanted)
            {
                return Unwrap(value);
            }
        }

        return null;
    }

    /// <summary>Turns JSON scalars into CLR scalars (string, long, double, bool); other values are returned as they are.</summary>
    public static object? Unwrap(object? value) => value switch
    {
        JsonElement element => element.ValueKind switch
        {
            JsonValueKind.String => element.GetString(),
            JsonValueKind.Number => element.TryGetInt64(out long integer) ? integer : element.GetDouble(),
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            JsonValueKind.Null or JsonValueKind.Undefined => null,
            _ => element,
        },
        JsonValue node => node.GetValueKind() switch
        {
            JsonValueKind.String => node.GetValue<string>(),
            JsonValueKind.Number => node.TryGetValue(out long integer) ? integer : node.GetValue<double>(),
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => null,
        },
        _ => value,
    };

    public static string GetString(string key, object value) => Unwrap(value) switch
    {
        string text => text,
        var other => throw Invalid(key, other, "a string"),
    };

    public static long GetInt64(string key, object value) => Unwrap(value) switch
    {
        long n => n,
        int n => n,
        short n => n,
        byte n => n,
        uint n => n,
        ulong n when n <= long.MaxValue => (long)n,
        double d when double.IsInteger(d) && Math.Abs(d) < 9e15 => (long)d,
        decimal d when decimal.IsInteger(d) && d >= long.MinValue && d <= long.MaxValue => (long)d,
        string text when long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out long parsed) => parsed,
        var other => throw Invalid(key, other, "an integer"),
    };

    public static int GetInt32(string key, object value)
    {
        long n = GetInt64(key, value);
        return n is >= int.MinValue and <= int.MaxValue ? (int)n : throw Invalid(key, n, "a 32-bit integer");
    }

    public static double GetDouble(string key, object value) => Unwrap(value) switch
    {
        double d => d,
        float f => f,
        decimal m => (double)m,
        long n => n,
        int n => n,
        string text when double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double parsed) => parsed,
        var other => throw Invalid(key, other, "a number"),
    };

    public static decimal GetDecimal(string key, object value) => Unwrap(value) switch
    {
        decimal m => m,
        double d when double.IsFinite(d) => (decimal)d,
        float f when float.IsFinite(f) => (decimal)f,
        long n => n,
        int n => n,
        string text when decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out decimal parsed) => parsed,
        var other => throw Invalid(key, other, "a number"),
    };

    public static bool GetBoolean(string key, object value) => Unwrap(value) switch
    {
        bool b => b,
        string text when bool.TryParse(text, out bool parsed) => parsed,
        var other => throw Invalid(key, other, "a boolean"),
    };

    /// <summary>Reads a list of strings: a CLR sequence of strings or a JSON array of them.</summary>
    public static IReadOnlyList<string> GetStrings(string key, object value) => value switch
    {
        string single => [single],
        IEnumerable<string> texts => texts.ToArray(),
        JsonElement { ValueKind: JsonValueKind.Array } array => array.EnumerateArray().Select(e => GetString(key, e)).ToArray(),
        JsonArray array => array.Select(n => n is null ? throw Invalid(key, null, "an array of strings") : GetString(key, n)).ToArray(),
        _ => throw Invalid(key, value, "an array of strings"),
    };

    /// <summary>
    /// Converts a scalar or a JSON array to a <see cref="JsonNode"/> for a provider's JSON options; returns false for
    /// objects (typed options classes and JSON objects), which are handled as whole provider options.
    /// </summary>
    public static bool TryToJsonMember(object? value, out JsonNode? node)
    {
        node = value switch
        {
            string text => JsonValue.Create(text),
            bool b => JsonValue.Create(b),
            int n => JsonValue.Create(n),
            long n => JsonValue.Create(n),
            double d => JsonValue.Create(d),
            float f => JsonValue.Create(f),
            decimal m => JsonValue.Create(m),
            JsonValue or JsonArray => ((JsonNode)value).DeepClone(),
            JsonElement { ValueKind: JsonValueKind.Array } array => JsonArray.Create(array),
            JsonElement { ValueKind: not JsonValueKind.Object } element => JsonValue.Create(element),
            _ => null,
        };
        return node is not null;
    }

    private static ArgumentException Invalid(string key, object? value, string expected) =>
        new($"AdditionalProperties[\"{key}\"] must be {expected}; it is {(value is null ? "null" : "a " + value.GetType().Name)}.", "options");
}
