using Collage.Transforms.Mounts;

namespace Collage.Transforms.Registry;

/// <summary>
/// What the front door decided about a <c>/v2/</c> request, once: the mount table in force (read once, so a reload
/// mid-request cannot hand one request two tables), the mount map the Host or containerd's <c>ns</c> selected, the
/// endpoint and the parsed request, its page, and, for a repository request, where the name lives upstream. Set for
/// every <c>/v2/</c> request the front door sees, refused ones included; everything after it reads it and parses
/// nothing again.
/// </summary>
internal sealed class RegistryRequestFeature(MountTable table, MountMap map, string? mirrorRegistry)
{
    /// <summary>The mount table in force when the request arrived.</summary>
    public MountTable Table { get; } = table;

    /// <summary>The mount map this request sees.</summary>
    public MountMap Map { get; } = map;

    /// <summary>The registry a mirror client named with <c>ns</c>; carried into every link and realm Collage builds.</summary>
    public string? MirrorRegistry { get; } = mirrorRegistry;

    /// <summary>The endpoint, known even when the request was refused.</summary>
    public RegistryRequestKind Kind { get; set; }

    /// <summary>The parsed request; null when the front door refused it.</summary>
    public RegistryRequest? Request { get; set; }

    /// <summary>The <c>n</c> and <c>last</c> of a <c>tags/list</c> or <c>_catalog</c> request.</summary>
    public PageRequest Page { get; set; }

    /// <summary>Where the repository lives upstream; null for requests that name none or name an unmounted one.</summary>
    public MountResolution? Resolution { get; set; }

    /// <summary>Who the client is, when access control is on (null without it).</summary>
    public Access.AccessIdentity? Identity { get; set; }

    /// <summary>How the pull-through cache answered, or null when it did not (no cache, or streamed past it).</summary>
    public Caching.CacheOutcome? CacheOutcome { get; set; }

    /// <summary>The request of a resolved repository request (every request that reaches the reverse proxy).</summary>
    public RegistryRequest ResolvedRequest => Request is { } request && Resolution is not null
        ? request
        : throw new InvalidOperationException("The request was not resolved to an upstream.");

    /// <summary>The resolution of a request that reaches the reverse proxy.</summary>
    public MountResolution Resolved => Resolution ?? throw new InvalidOperationException("The request was not resolved to an upstream.");

    /// <summary>The same endpoint in upstream names, e.g. <c>/v2/coreos/etcd/manifests/v3</c>.</summary>
    public string UpstreamPath => ResolvedRequest.PathFor(Resolved.UpstreamName);
}
