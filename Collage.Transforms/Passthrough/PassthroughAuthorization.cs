using System.Net.Http.Headers;
using Collage.Transforms.Registry;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Net.Http.Headers;

namespace Collage.Transforms.Passthrough;

/// <summary>
/// The two places a forwarded request meets pass-through: the client's Bearer token goes upstream only when
/// Collage's token endpoint issued it for that very upstream, and the upstream's 401 goes back as Collage's own
/// challenge, naming Collage's token endpoint and the local repository name.
/// </summary>
internal static class PassthroughAuthorization
{
    /// <summary>
    /// Adds the client's Bearer token to <paramref name="proxyRequest"/> when it was issued for its upstream, or, behind
    /// access control, the upstream token relayed for the client's Collage token (<see cref="RelayedTokens"/>).
    /// </summary>
    public static void Forward(HttpContext context, RegistryRequestFeature feature, HttpRequestMessage proxyRequest)
    {
        var upstream = feature.Resolved.Upstream;
        if (!PassthroughChallenge.IsPassthrough(feature.Table, upstream)
            || context.RequestServices?.GetService<IssuedTokens>() is not { } issued
            || !AuthenticationHeaderValue.TryParse(context.Request.Headers.Authorization.ToString(), out var authorization)
            || !string.Equals(authorization.Scheme, "Bearer", StringComparison.OrdinalIgnoreCase)
            || authorization.Parameter is not { Length: > 0 } token)
        {
            return;
        }

        // Any other token (one for another upstream, a forged one) stays here; the upstream's 401 then sends
        // the client for a token of the right scope.
        if (issued.IsIssuedFor(token, upstream.Id))
        {
            proxyRequest.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
        else if (context.RequestServices.GetService<RelayedTokens>() is { } relayed && relayed.TryGet(token, upstream.Id, out var upstreamToken))
        {
            // Behind access control the client holds Collage's token; the upstream gets the one relayed for it.
            proxyRequest.Headers.Authorization = new AuthenticationHeaderValue("Bearer", upstreamToken);
        }
    }

    /// <summary>
    /// For a pass-through upstream's 401, sets <c>WWW-Authenticate</c> to Collage's challenge: realm rewritten to
    /// Collage's token endpoint, scope in local names (token spec, "How to authenticate").
    /// </summary>
    public static void Challenge(HttpContext context, RegistryRequestFeature feature)
    {
        if (!PassthroughChallenge.IsPassthrough(feature.Table, feature.Resolved.Upstream))
        {
            return;
        }

        context.Response.Headers[HeaderNames.WWWAuthenticate] = PassthroughChallenge.Bearer(
            context, feature, $"repository:{feature.ResolvedRequest.Name}:pull");
    }
}
