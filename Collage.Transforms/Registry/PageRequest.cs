using System.Globalization;
using Microsoft.AspNetCore.Http;

namespace Collage.Transforms.Registry;

/// <summary>
/// The <c>n</c> and <c>last</c> query parameters of <c>tags/list</c> and <c>_catalog</c>
/// (OCI distribution spec 1.1, "Listing Tags"; distribution's catalog pagination).
/// </summary>
/// <param name="N">At most this many entries; <c>null</c> for all.</param>
/// <param name="Last">Only entries lexically after this one.</param>
internal readonly record struct PageRequest(int? N, string? Last)
{
    /// <summary>Parses the query; a non-numeric or negative <c>n</c> is the client's error.</summary>
    public static bool TryParse(IQueryCollection query, out PageRequest page)
    {
        page = default;
        int? n = null;
        if (query.TryGetValue("n", out var nValues))
        {
            if (nValues.Count != 1 || !int.TryParse(nValues[0], NumberStyles.None, CultureInfo.InvariantCulture, out var parsed))
            {
                return false;
            }

            n = parsed;
        }

        var last = query.TryGetValue("last", out var lastValues) ? lastValues[^1] : null;
        page = new PageRequest(n, string.IsNullOrEmpty(last) ? null : last);
        return true;
    }

    /// <summary>
    /// Whether <see cref="Last"/> can be an entry of the list asked for: a tag for <c>tags/list</c>, a
    /// repository name for <c>_catalog</c>. Anything else (CR/LF, a URL, <c>..</c>, 300 characters) is forged,
    /// can match nothing, and is refused before it reaches an upstream's query or a Link header.
    /// </summary>
    public bool HasValidLast(RegistryRequestKind kind) => Last is not { } last
        || (kind == RegistryRequestKind.Tags ? ReferenceGrammar.IsValidTag(last) : ReferenceGrammar.IsValidName(last));

    /// <summary>
    /// Applies the page to a list: sorted lexically, entries after <see cref="Last"/>, at most <see cref="N"/>.
    /// Idempotent for an upstream that already paged, so it is safe on every answer.
    /// </summary>
    public (List<string> Page, bool More) Apply(IEnumerable<string> entries)
    {
        var sorted = entries.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        if (Last is { } last)
        {
            var index = sorted.FindIndex(e => string.CompareOrdinal(e, last) > 0);
            sorted = index < 0 ? [] : sorted[index..];
        }

        if (N is { } n && sorted.Count > n)
        {
            return (sorted[..n], n > 0);
        }

        return (sorted, false);
    }

    /// <summary>The query of the next page after <paramref name="lastEntry"/>.</summary>
    public string NextQuery(string lastEntry) =>
        $"n={N}&last={Uri.EscapeDataString(lastEntry)}";
}
