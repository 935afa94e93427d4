using Collage.Tests.Functional.Infrastructure;

namespace Collage.Tests.Functional.Referrers;

/// <summary>
/// The mount the referrers tests pull through: local <c>apps/web</c> is <c>upstream-team/web</c> on a
/// <see cref="ReferrersRegistry"/>, so an answer naming <c>upstream-team</c> names the upstream.
/// </summary>
internal static class ReferrersMount
{
    public const string Local = "apps/web";
    public const string Upstream = "upstream-team/web";
    public const string UpstreamNamespace = "upstream-team";

    /// <summary>Starts Collage mounting <c>apps</c> on <paramref name="registry"/>, with a short activity timeout when given.</summary>
    public static Task<CollageServer> StartCollageAsync(ReferrersRegistry registry, string? activityTimeout = null, object? upstream = null)
    {
        var config = new Dictionary<string, object>
        {
            ["mappings"] = new Dictionary<string, string> { ["apps"] = $"http://{registry.Authority}/{UpstreamNamespace}" },
        };
        if (activityTimeout is not null)
        {
            config["http"] = new { activityTimeout };
        }

        if (upstream is not null)
        {
            config["upstreams"] = new Dictionary<string, object> { [registry.Authority] = upstream };
        }

        return CollageServer.StartAsync(config);
    }

    /// <summary>The local referrers path of <paramref name="subject"/>, with <paramref name="query"/> (from its <c>?</c>).</summary>
    public static string LocalPath(Artifact subject, string query = "") => $"/v2/{Local}/referrers/{subject.Digest}{query}";

    /// <summary>The upstream referrers path of <paramref name="subject"/>.</summary>
    public static string UpstreamPath(Artifact subject) => $"/v2/{Upstream}/referrers/{subject.Digest}";

    /// <summary>The upstream path of <paramref name="subject"/>'s referrers tag.</summary>
    public static string FallbackTagPath(Artifact subject) => $"/v2/{Upstream}/manifests/{subject.FallbackTag}";
}
