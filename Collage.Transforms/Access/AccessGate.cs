using Collage.Transforms.Registry;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace Collage.Transforms.Access;

/// <summary>
/// The front door's access decision, made once per request before the mount is looked up: who the client is
/// (<see cref="ClientLogin"/>) and whether the policy lets them at the request. Refused anonymous clients are asked to
/// log in (401 with a Basic challenge, as distribution's htpasswd mode asks, which docker, podman, skopeo and containerd
/// answer). A user who logged in but holds no grant on a repository gets the answer an unknown one gets (404
/// <c>NAME_UNKNOWN</c>), so names cannot be probed.
/// </summary>
internal sealed class AccessGate(ClientLogin login)
{
    /// <summary>The challenge: Basic, UTF-8 credentials (RFC 7617 section 2.1).</summary>
    public const string Challenge = "Basic realm=\"Collage\", charset=\"UTF-8\"";

    /// <summary>
    /// Null when <paramref name="request"/> may go on (the identity is then on <paramref name="feature"/>), else the
    /// refusal to write.
    /// </summary>
    public Task? Refuse(HttpContext context, RegistryRequestFeature feature, RegistryRequest request, AccessPolicy policy)
    {
        var (outcome, identity) = login.Login(context, policy);
        switch (outcome)
        {
            case LoginOutcome.Throttled:
                context.Response.Headers.RetryAfter = ClientLogin.RetryAfterSeconds(policy).ToString(System.Globalization.CultureInfo.InvariantCulture);
                return new OciError(StatusCodes.Status429TooManyRequests, "TOOMANYREQUESTS", "too many failed logins; retry later").WriteAsync(context);
            case LoginOutcome.Refused:
                return Unauthorized(context);
        }

        feature.Identity = identity;
        var map = feature.Map.Name;
        return request.Kind switch
        {
            // docker login and podman login ask /v2/ and expect the challenge when they must log in.
            RegistryRequestKind.Base => identity.IsAnonymous && !policy.AnonymousMayPull ? Unauthorized(context) : OfferLogin(context, identity),
            RegistryRequestKind.Catalog => policy.HoldsAnywhere(identity, map, AccessAction.Catalog) ? null
                : identity.IsAnonymous ? Unauthorized(context)
                : new OciError(StatusCodes.Status403Forbidden, "DENIED", "requested access to the resource is denied").WriteAsync(context),
            _ => policy.Grants(identity, map, request.Name).HasFlag(AccessAction.Pull) ? null
                : identity.IsAnonymous ? Unauthorized(context)
                : OciErrors.NameUnknown(request.Name).WriteAsync(context),
        };
    }

    // containers/image (skopeo, podman, cri-o) decides from the /v2/ ping alone whether to send credentials: a 200
    // without a challenge means it never sends the ones it has, so a user could pull only what is anonymous. A 200
    // may carry the challenge (RFC 9110 section 11.6.1: supplying credentials might change the answer); it then sends
    // Basic on every request, an empty "Basic Og==" when it has none, which ClientLogin takes as anonymous.
    private static Task? OfferLogin(HttpContext context, AccessIdentity identity)
    {
        if (identity.IsAnonymous)
        {
            context.Response.Headers[HeaderNames.WWWAuthenticate] = Challenge;
        }

        return null;
    }

    private static Task Unauthorized(HttpContext context)
    {
        context.Response.Headers[HeaderNames.WWWAuthenticate] = Challenge;
        return new OciError(StatusCodes.Status401Unauthorized, "UNAUTHORIZED", "authentication required").WriteAsync(context);
    }
}
