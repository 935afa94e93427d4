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
    /// Whether <see cref="Last"/> could be an entry of the list asked for, as far as it is safe to judge: at most
    /// 255 characters (the longest repository name; tags stop at 128) of printable ASCII. A control character
    /// (CR/LF) or non-ASCII is forged and refused before it reaches an upstream's query or a Link header;
    /// other oddities are passed on percent-encoded and simply match nothing.
    /// </summary>
    public bool HasValidLast(RegistryRequestKind kind) => Last is not { } last
        || (last.Length <= ReferenceGrammar.MaxNameLength && !last.AsSpan().ContainsAnyExceptInRange((char)0x20, (char)0x7e));

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
