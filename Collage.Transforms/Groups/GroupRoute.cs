using Collage.Transforms.Configuration;
using Collage.Transforms.Mounts;
using Collage.Transforms.Registry;

namespace Collage.Transforms.Groups;

/// <summary>
/// A request to an upstream group, as the front door resolved it, carried on the upstream request
/// (<see cref="Upstreams.UpstreamCall.Group"/>) into <see cref="GroupHandler"/>: which members it may go to, in
/// order, and where the answer came from, written back on the request's <see cref="RegistryRequestFeature"/> so that
/// everything after (Link and Location rewriting, metrics, the access log) names the member that answered.
/// </summary>
internal sealed class GroupRoute(RegistryRequestFeature feature)
{
    /// <summary>The request's decisions.</summary>
    public RegistryRequestFeature Feature { get; } = feature;

    /// <summary>The group's mount.</summary>
    public Mount Mount => Feature.Resolved.Mount;

    /// <summary>
    /// The members a request for <paramref name="reference"/> may be answered by, first choice first: every member
    /// for content named by digest (the same bytes wherever they are), the first only for a by-tag request under
    /// <see cref="GroupTagPolicy.PrimaryOnly"/>. Members that hold no repository for the name are left out.
    /// </summary>
    public List<MountResolution> Candidates(string? reference)
    {
        var resolution = Feature.Resolved;
        var byTag = reference is not null && !reference.Contains(':', StringComparison.Ordinal);
        var count = byTag && Mount.Tags == GroupTagPolicy.PrimaryOnly ? 1 : Mount.Members.Count;
        var candidates = new List<MountResolution>(count);
        for (var i = 0; i < count; i++)
        {
            if (resolution.ForMember(i) is { } member)
            {
                candidates.Add(member);
            }
        }

        return candidates;
    }

    /// <summary>Records that <paramref name="member"/> answered the request.</summary>
    public void Answered(MountResolution member) => Feature.Resolution = member;
}
