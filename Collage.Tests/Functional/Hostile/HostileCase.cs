namespace Collage.Tests.Functional.Hostile;

/// <summary>
/// One malicious request of the corpus. <c>{host}</c> in <see cref="Request"/> is Collage's authority,
/// <c>{decoy}</c> that of a server no mapping names.
/// </summary>
/// <param name="Name">What it tries.</param>
/// <param name="Request">The whole request as sent on the wire.</param>
/// <param name="Status">The 4xx it must get.</param>
/// <param name="Code">The OCI error code when Collage answers; null when Kestrel refuses it (empty body).</param>
public sealed record HostileCase(string Name, string Request, int Status, string? Code)
{
    public override string ToString() => Name;
}
