using System.Security.Cryptography;
using System.Text;
using Collage.Transforms.Configuration;
using Collage.Transforms.Mounts;

namespace Collage.Transforms.Upstreams;

/// <summary>
/// Names an upstream's client by its id and a digest of its settings, so a reload that changes an upstream's
/// CA, credentials, HTTP timeouts or docker config gets a new client, and one that does not keeps the pooled
/// connections.
/// </summary>
internal static class UpstreamClientKey
{
    /// <summary>The YARP cluster metadata key that carries the client key, so YARP sees a changed cluster.</summary>
    public const string MetadataKey = "Collage.Client";

    // Per process: the key only has to tell settings apart within this process, and a keyed digest cannot be
    // tested offline against guessed passwords should the metadata ever be shown.
    private static readonly byte[] DigestKey = RandomNumberGenerator.GetBytes(32);

    public static string For(Upstream upstream, MountTable table)
    {
        var o = table.UpstreamOptions.GetValueOrDefault(upstream.Authority) ?? new UpstreamOptions();
        // Every field by name: the record's ToString hides secrets, and a changed password must change the key; the
        // HTTP settings and the docker config are the table's, so a reload that changes them gets new clients.
        var settings = string.Join('\n', o.CaFile, o.InsecureSkipVerify, o.Auth, o.Username, o.Password, o.PasswordFile, o.IdentityToken, table.Http, table.DockerConfig);
        var digest = HMACSHA256.HashData(DigestKey, Encoding.UTF8.GetBytes(settings));
        return $"{upstream.Id}#{Convert.ToHexStringLower(digest, 0, 8)}";
    }
}
