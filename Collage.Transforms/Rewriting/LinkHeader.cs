namespace Collage.Transforms.Rewriting;

/// <summary>
/// Splits a <c>Link</c> header (RFC 8288 section 3) into its link-values: <c>&lt;target&gt;; rel="next", ...</c>. Lenient
/// the way registries need: the parameters of one link-value run to the comma before the next <c>&lt;</c>, and a
/// value without a closing <c>&gt;</c> ends the header.
/// </summary>
internal static class LinkHeader
{
    /// <summary>One link-value: the URI reference between the brackets and its parameters as written (e.g. <c>; rel="next"</c>).</summary>
    internal readonly record struct LinkValue(string Target, string Parameters);

    /// <summary>The link-values of <paramref name="header"/>, in order.</summary>
    public static IEnumerable<LinkValue> Parse(string header)
    {
        var position = 0;
        while (position < header.Length)
        {
            var open = header.IndexOf('<', position);
            var close = open < 0 ? -1 : header.IndexOf('>', open + 1);
            if (close < 0)
            {
                yield break;
            }

            // The parameters run to the next link-value, which starts with ", <".
            var next = header.IndexOf('<', close + 1);
            var end = next < 0 ? header.Length : header.LastIndexOf(',', next);
            if (end <= close)
            {
                end = next < 0 ? header.Length : next;
            }

            yield return new LinkValue(header[(open + 1)..close], header.Substring(close + 1, end - close - 1).TrimEnd());
            position = next < 0 ? header.Length : next;
        }
    }
}
