using System.Diagnostics.CodeAnalysis;
using Microsoft.AspNetCore.Http;

namespace Collage.Transforms.Mirroring;

/// <summary>
/// The <c>ns</c> query parameter: containerd adds <c>?ns=&lt;registry host&gt;</c> to every request it sends
/// to a mirror configured in <c>hosts.toml</c> (containerd docs/hosts.md, "Registry Host Namespace"), naming
/// the registry the image reference points at, e.g. <c>ns=docker.io</c> for <c>docker.io/library/alpine</c>.
/// Collage reads it to pick the vhost of that registry, so one gateway mirrors many registries.
/// </summary>
internal static class MirrorNamespace
{
    /// <summary>The query parameter's name.</summary>
    public const string QueryParameter = "ns";

    /// <summary>
    /// The registry host the client named, if it named one. The same value twice counts once (a client that
    /// follows a <c>Link</c> Collage built adds its own <c>ns</c> to the one in the link); different values
    /// are ambiguous, so none of them counts and the request is served as if <c>ns</c> were absent.
    /// </summary>
    public static bool TryGet(IQueryCollection query, [NotNullWhen(true)] out string? registryHost)
    {
        registryHost = null;
        if (!query.TryGetValue(QueryParameter, out var values))
        {
            return false;
        }

        foreach (var value in values)
        {
            var trimmed = value?.Trim();
            if (string.IsNullOrEmpty(trimmed) || (registryHost is not null && !string.Equals(registryHost, trimmed, StringComparison.OrdinalIgnoreCase)))
            {
                registryHost = null;
                return false;
            }

            registryHost ??= trimmed;
        }

        return registryHost is not null;
    }

    /// <summary>
    /// <paramref name="query"/> without any <c>ns</c> parameter, every other parameter byte for byte and in
    /// its order (no decoding and re-encoding, which would change e.g. a <c>last</c> holding <c>%3A</c>).
    /// Returns false when there was no <c>ns</c> to remove.
    /// </summary>
    public static bool TryRemove(QueryString query, out QueryString stripped)
    {
        stripped = query;
        var value = query.Value;
        if (string.IsNullOrEmpty(value))
        {
            return false;
        }

        var kept = new List<string>();
        var removed = false;
        foreach (var pair in value.AsSpan(1).ToString().Split('&'))
        {
            var name = pair.Split('=', 2)[0];
            if (string.Equals(Uri.UnescapeDataString(name.Replace('+', ' ')), QueryParameter, StringComparison.OrdinalIgnoreCase))
            {
                removed = true;
                continue;
            }

            kept.Add(pair);
        }

        if (removed)
        {
            stripped = kept.Count == 0 ? QueryString.Empty : new QueryString("?" + string.Join('&', kept));
        }

        return removed;
    }

    /// <summary>
    /// Adds <c>ns</c> to a query Collage builds for a <c>Link</c> (RFC 8288) to the next page, so that page
    /// is served from the same vhost as this one.
    /// </summary>
    public static string AppendTo(string query, string? registryHost) =>
        registryHost is null ? query : $"{query}&{QueryParameter}={Uri.EscapeDataString(registryHost)}";

    /// <summary>Adds <c>ns</c> to a local URI that may already have a query; unchanged without a registry.</summary>
    public static string AddToUri(string uri, string? registryHost) =>
        registryHost is null ? uri : $"{uri}{(uri.Contains('?') ? '&' : '?')}{QueryParameter}={Uri.EscapeDataString(registryHost)}";
}
