using Collage.Transforms.Mounts;

namespace Collage.Transforms.Groups;

/// <summary>A member's answer kept while the group asks the next one: who answered, and the answer.</summary>
internal sealed record MemberAttempt(MountResolution Member, HttpResponseMessage Response);
