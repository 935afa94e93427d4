namespace Collage.Transforms.Registry;

/// <summary>
/// What <see cref="RegistryRequestParser"/> read from a request target: the endpoint it names, even when the
/// target was refused, so a refused manifest request is still counted and logged as one.
/// </summary>
/// <param name="Request">The valid request; null when <paramref name="Error"/> is set.</param>
/// <param name="Error">Why the target was refused; null when <paramref name="Request"/> is set.</param>
/// <param name="Kind">The endpoint the path names (<see cref="RegistryRequestKind.Unknown"/> when none).</param>
/// <param name="Name">The repository name when it matched the name grammar, even if the reference did not.</param>
internal readonly record struct RegistryTarget(RegistryRequest? Request, OciError? Error, RegistryRequestKind Kind, string? Name)
{
    /// <summary>A refusal of a target that names <paramref name="kind"/>.</summary>
    public static RegistryTarget Refused(OciError error, RegistryRequestKind kind = RegistryRequestKind.Unknown, string? name = null) =>
        new(null, error, kind, name);

    /// <summary>A valid request.</summary>
    public static RegistryTarget Valid(RegistryRequest request) => new(request, null, request.Kind, request.Name);

    /// <summary>The request and the error, exactly one of them set.</summary>
    public void Deconstruct(out RegistryRequest? request, out OciError? error)
    {
        request = Request;
        error = Error;
    }
}
