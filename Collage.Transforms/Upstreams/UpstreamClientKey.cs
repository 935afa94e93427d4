using System.Security.Cryptography;
using System.Text;
using Collage.Transforms.Configuration;
using Collage.Transforms.Mounts;

namespace Collage.Transforms.Upstreams;

/// <summary>
/// Names an upstream's client by its id and a digest of its settings, so a reload that changes an upstream's
/// CA or credentials gets a new client, and one that does not keeps the pooled connections.
/// </summary>
internal static class UpstreamClientKey
{
    /// <summary>The YARP cluster metadata key that carries the client key, so YARP sees a changed cluster.</summary>
    public const string MetadataKey = "Collage.Client";

    public static string For(Upstream upstream, MountTable table, UpstreamHttpOptions http)
    {
        var options = table.UpstreamOptions.GetValueOrDefault(upstream.Authority) ?? new UpstreamOptions();
        // A digest, not the settings themselves: they may hold credentials, and metadata shows up in diagnostics.
        var digest = SHA256.HashData(Encoding.UTF8.GetBytes($"{options}|{http}"));
        return $"{upstream.Id}#{Convert.ToHexStringLower(digest, 0, 8)}";
    }
}
