using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Primitives;

namespace Collage.Transforms.Caching.Manifests;

/// <summary>
/// A tag's answer depends on the client's <c>Accept</c> (an OCI index for one client, a Docker manifest list or a
/// single manifest for another: distribution spec, "Pulling manifests"), so tag answers are cached per set of accepted
/// media types. The key is that set, order, case, spacing and parameters ignored, hashed to a short string.
/// </summary>
internal static class AcceptKey
{
    /// <summary>The key of <paramref name="accept"/>; "*" for none.</summary>
    public static string Of(StringValues accept)
    {
        var types = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var value in accept)
        {
            foreach (var part in (value ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                var semicolon = part.IndexOf(';', StringComparison.Ordinal);
                var type = (semicolon < 0 ? part : part[..semicolon]).Trim().ToLowerInvariant();
                if (type.Length > 0)
                {
                    types.Add(type);
                }
            }
        }

        if (types.Count == 0)
        {
            return "*";
        }

        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(string.Join(',', types)), hash);
        return Convert.ToHexStringLower(hash[..12]);
    }
}
