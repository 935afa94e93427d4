namespace Collage.Proxy.Ui;

/// <summary>
/// The pull commands for a reference under its local name, as this host is reached: what a client types. Over plain
/// HTTP each client needs its own flag (docker only for hosts outside 127.0.0.0/8, through its daemon's
/// insecure-registries, so it has none).
/// </summary>
internal static class PullCommands
{
    /// <summary>
    /// The host clients pull from and whether it is plain HTTP: Collage's public URL (<c>publicUrl</c>, or what a trusted
    /// proxy's <c>X-Forwarded-Proto</c>/<c>-Host</c> say, else the request's own), as its challenges name it. Behind an
    /// ingress that terminates TLS the browser's request arrives as plain HTTP, yet clients pull over HTTPS.
    /// </summary>
    public static (string Host, bool PlainHttp) Origin(HttpContext context, Transforms.Mounts.MountTable table)
    {
        var origin = new Uri(table.PublicUrl.Resolve(context));
        return (origin.Authority, origin.Scheme == Uri.UriSchemeHttp);
    }

    /// <summary>(client, command) for docker, podman, ctr and skopeo.</summary>
    /// <param name="host">The host (and port) the browser reached Collage at.</param>
    /// <param name="plainHttp">Whether that was plain HTTP.</param>
    /// <param name="name">The local repository name.</param>
    /// <param name="tag">The tag, or null for a digest reference.</param>
    /// <param name="digest">The manifest digest, used when <paramref name="tag"/> is null.</param>
    public static IReadOnlyList<(string Client, string Command)> For(string host, bool plainHttp, string name, string? tag, string digest)
    {
        var reference = tag is null ? $"{host}/{name}@{digest}" : $"{host}/{name}:{tag}";
        var last = name[(name.LastIndexOf('/') + 1)..];
        var destination = tag is null ? $"oci:{last}" : $"oci:{last}:{tag}";
        return
        [
            ("docker", $"docker pull {reference}"),
            ("podman", plainHttp ? $"podman pull --tls-verify=false {reference}" : $"podman pull {reference}"),
            ("ctr", plainHttp ? $"ctr images pull --plain-http {reference}" : $"ctr images pull {reference}"),
            ("skopeo", plainHttp ? $"skopeo copy --src-tls-verify=false docker://{reference} {destination}" : $"skopeo copy docker://{reference} {destination}"),
        ];
    }
}
