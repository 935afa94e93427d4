namespace Collage.Proxy.Ui;

/// <summary>
/// Version order for tags: runs of digits compare as numbers, the rest ordinally, so <c>1.10</c> comes after
/// <c>1.9</c> and <c>v2</c> after <c>v10</c> never. Ties (such as <c>01</c> and <c>1</c>) fall back to ordinal, so the
/// order is total and stable across page views.
/// </summary>
internal sealed class TagOrder : IComparer<string>
{
    /// <summary>The one instance.</summary>
    public static readonly TagOrder Version = new();

    private TagOrder()
    {
    }

    public int Compare(string? x, string? y)
    {
        if (x is null || y is null)
        {
            return string.CompareOrdinal(x, y);
        }

        int i = 0, j = 0;
        while (i < x.Length && j < y.Length)
        {
            if (char.IsAsciiDigit(x[i]) && char.IsAsciiDigit(y[j]))
            {
                var (startX, startY) = (i, j);
                while (i < x.Length && char.IsAsciiDigit(x[i]))
                {
                    i++;
                }

                while (j < y.Length && char.IsAsciiDigit(y[j]))
                {
                    j++;
                }

                var byNumber = CompareNumbers(x.AsSpan(startX, i - startX), y.AsSpan(startY, j - startY));
                if (byNumber != 0)
                {
                    return byNumber;
                }
            }
            else
            {
                if (x[i] != y[j])
                {
                    return x[i].CompareTo(y[j]);
                }

                i++;
                j++;
            }
        }

        var byLength = (x.Length - i).CompareTo(y.Length - j);
        return byLength != 0 ? byLength : string.CompareOrdinal(x, y);
    }

    // Digit runs of any length (tags reach 128 characters): leading zeros off, then the longer is larger, then digit by digit.
    private static int CompareNumbers(ReadOnlySpan<char> x, ReadOnlySpan<char> y)
    {
        x = x.TrimStart('0');
        y = y.TrimStart('0');
        return x.Length != y.Length ? x.Length.CompareTo(y.Length) : x.SequenceCompareTo(y);
    }
}
