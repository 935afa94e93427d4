namespace Collage.Transforms.Access;

/// <summary>
/// A pattern of local repository names, by whole segments like mounts: <c>internal/**</c> is everything under
/// <c>internal/</c> (not <c>internal</c> itself, nor <c>internalx/y</c>), <c>cool/stuff/*</c> one level below it,
/// <c>**</c> everything. A literal segment matches exactly.
/// </summary>
internal sealed class RepositoryPattern
{
    private readonly string[] _segments;

    private RepositoryPattern(string text, string[] segments)
    {
        Text = text;
        _segments = segments;
    }

    /// <summary>The pattern as configured.</summary>
    public string Text { get; }

    /// <summary>Parses <paramref name="text"/>; false when a segment is empty or mixes <c>*</c> with other characters.</summary>
    public static bool TryParse(string text, out RepositoryPattern pattern)
    {
        var segments = text.Trim().Trim('/').Split('/');
        pattern = new RepositoryPattern(text, segments);
        return segments.All(s => s.Length > 0 && (s is "*" or "**" || !s.Contains('*')));
    }

    /// <summary>Whether the local repository <paramref name="name"/> matches.</summary>
    public bool Matches(string name) => Matches(_segments, 0, name.Split('/'), 0);

    /// <summary>
    /// Whether some name a mount at <paramref name="prefix"/> serves (the prefix itself, or a name below it; every name
    /// for the root mount's empty prefix) matches: a pattern that can match under no mount grants nothing.
    /// </summary>
    public bool CanMatchUnder(string prefix) => prefix.Length == 0 || Overlaps(0, prefix.Split('/'), 0);

    private bool Overlaps(int p, string[] prefix, int i)
    {
        if (i == prefix.Length)
        {
            // The prefix is used up: whatever is left of the pattern matches some name at or below it.
            return true;
        }

        if (p == _segments.Length)
        {
            return false;
        }

        return _segments[p] switch
        {
            "**" => true,
            "*" => Overlaps(p + 1, prefix, i + 1),
            var literal => string.Equals(literal, prefix[i], StringComparison.Ordinal) && Overlaps(p + 1, prefix, i + 1),
        };
    }

    private static bool Matches(string[] pattern, int p, string[] name, int n)
    {
        while (p < pattern.Length)
        {
            if (pattern[p] == "**")
            {
                // One or more segments (never none: internal/** is what is under internal/).
                for (var rest = n + 1; rest <= name.Length; rest++)
                {
                    if (Matches(pattern, p + 1, name, rest))
                    {
                        return true;
                    }
                }

                return false;
            }

            if (n >= name.Length || (pattern[p] != "*" && !string.Equals(pattern[p], name[n], StringComparison.Ordinal)))
            {
                return false;
            }

            p++;
            n++;
        }

        return n == name.Length;
    }
}
