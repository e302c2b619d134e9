namespace Sample05;

/// <summary>One image to render. The id names the file and the manifest line, so it must stay stable across runs.</summary>
internal sealed record CatalogItem(string Id, string Product, string Style)
{
    public string Prompt => $"{Product}, {Style}, product photo for an online shop";
}

/// <summary>The catalog: 20 products x 10 styles = 200 items. A real app reads its product feed or a CSV here.</summary>
internal static class Catalog
{
    private static readonly string[] Products =
    [
        "ceramic coffee mug", "leather wallet", "canvas backpack", "stainless water bottle", "wool beanie",
        "desk lamp", "wireless headphones", "running shoes", "linen shirt", "wooden cutting board",
        "scented candle", "sunglasses", "wristwatch", "yoga mat", "cast iron skillet",
        "ceramic vase", "throw pillow", "notebook", "umbrella", "tote bag",
    ];

    private static readonly string[] Styles =
    [
        "studio white background", "on a marble countertop", "flat lay from above", "soft morning light",
        "minimalist scandinavian interior", "outdoors at golden hour", "dramatic dark background", "pastel colors",
        "lifestyle shot in use", "close-up macro detail",
    ];

    public static IReadOnlyList<CatalogItem> All() =>
        [.. Products.SelectMany(product => Styles.Select(style => new CatalogItem(Slug(product) + "--" + Slug(style), product, style)))];

    private static string Slug(string text) => string.Join('-', text.Split(' ', StringSplitOptions.RemoveEmptyEntries));
}
