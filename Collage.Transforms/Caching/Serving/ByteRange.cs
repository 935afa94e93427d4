using System.Globalization;
using Microsoft.AspNetCore.Http;

namespace Collage.Transforms.Caching.Serving;

/// <summary>
/// The one byte range of a <c>Range</c> request (RFC 9110 section 14.1.2: <c>bytes=a-b</c>, <c>bytes=a-</c>,
/// <c>bytes=-n</c>) against content of a known length. Several ranges, other units or a malformed header are ignored
/// and the whole content is served, which section 14.2 allows.
/// </summary>
/// <param name="Start">The first byte.</param>
/// <param name="End">One past the last byte.</param>
internal readonly record struct ByteRange(long Start, long End)
{
    /// <summary>The range's length.</summary>
    public long Length => End - Start;

    /// <summary>
    /// Reads the request's range. Returns false when the whole content is to be served; sets
    /// <paramref name="unsatisfiable"/> when the range starts past the end (a 416).
    /// </summary>
    public static bool TryParse(HttpRequest request, long length, string etag, out ByteRange range, out bool unsatisfiable)
    {
        range = default;
        unsatisfiable = false;
        var header = request.Headers.Range;
        if (header.Count != 1 || header[0] is not { } value || !value.StartsWith("bytes=", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        // If-Range with another validator: the client's copy is of other content, so it gets the whole (section 13.1.5).
        if (request.Headers.IfRange is { Count: > 0 } ifRange && !string.Equals(ifRange[0], etag, StringComparison.Ordinal))
        {
            return false;
        }

        var spec = value.AsSpan("bytes=".Length).Trim();
        var dash = spec.IndexOf('-');
        if (dash < 0 || spec.Contains(','))
        {
            return false;
        }

        var first = spec[..dash].Trim();
        var last = spec[(dash + 1)..].Trim();
        if (first.IsEmpty)
        {
            if (!long.TryParse(last, NumberStyles.None, CultureInfo.InvariantCulture, out var suffix) || suffix == 0)
            {
                unsatisfiable = suffix == 0 && !last.IsEmpty;
                return false;
            }

            range = new ByteRange(Math.Max(0, length - suffix), length);
            return true;
        }

        if (!long.TryParse(first, NumberStyles.None, CultureInfo.InvariantCulture, out var start))
        {
            return false;
        }

        var end = length;
        if (!last.IsEmpty)
        {
            if (!long.TryParse(last, NumberStyles.None, CultureInfo.InvariantCulture, out var lastByte) || lastByte < start)
            {
                return false;
            }

            end = Math.Min(length, lastByte + 1);
        }

        if (start >= length)
        {
            unsatisfiable = true;
            return false;
        }

        range = new ByteRange(start, end);
        return true;
    }
}
