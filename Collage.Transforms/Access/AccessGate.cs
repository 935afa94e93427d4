using Collage.Transforms.Access.Tokens;
using Collage.Transforms.Passthrough;
using Collage.Transforms.Registry;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace Collage.Transforms.Access;

/// <summary>
/// The front door's access decision, made once per request before the mount is looked up: who the client is (a token
/// from Collage's token endpoint, or Basic credentials checked by <see cref="ClientLogin"/>, or no one) and whether the
/// policy lets them at the request. A client that must log in or fetch a token is challenged the way distribution's
/// token auth challenges (<c>Bearer realm=&lt;Collage's token endpoint&gt;,service,scope</c>), which docker, podman,
/// skopeo and containerd all follow. A user who logged in but holds no grant on a repository gets the answer an
/// unknown one gets (404 <c>NAME_UNKNOWN</c>), so names cannot be probed.
/// </summary>
internal sealed class AccessGate(ClientLogin login, AccessTokens tokens, TimeProvider time) : IDisposable
{
    private readonly SwappedLimiters<RequestLimiters> _limits = new(
        time,
        policy => new RequestLimiters(policy.Options.RequestsPerUser, policy.Options.RequestsPerAddress, policy.Options.RequestWindow),
        (limiters, policy) => limiters.Fit(policy));

    /// <summary>
    /// Null when <paramref name="request"/> may go on (the identity is then on <paramref name="feature"/>), else the
    /// refusal being written. Completes synchronously for a remembered login or token and for anonymous requests.
    /// </summary>
    public ValueTask<Task?> DecideAsync(HttpContext context, RegistryRequestFeature feature, RegistryRequest request, AccessPolicy policy)
    {
        var header = context.Request.Headers.Authorization.ToString();
        if (header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            var check = tokens.CheckAsync(header[7..].Trim(), feature.Table.PublicUrl.Service(context), policy.Options);
            return check.IsCompletedSuccessfully
                ? ValueTask.FromResult(WithToken(context, feature, request, policy, check.Result))
                : AwaitToken(check, context, feature, request, policy);
        }

        var address = feature.Table.PublicUrl.ClientAddress(context);
        var checkLogin = login.LoginAsync(context, policy, address);
        return checkLogin.IsCompletedSuccessfully
            ? ValueTask.FromResult(WithLogin(context, feature, request, policy, checkLogin.Result))
            : AwaitLogin(checkLogin, context, feature, request, policy);
    }

    /// <summary>The scope a request needs, as the challenge names it; null for <c>/v2/</c>.</summary>
    public static string? ScopeOf(RegistryRequest request) => request.Kind switch
    {
        RegistryRequestKind.Base => null,
        RegistryRequestKind.Catalog => "registry:catalog:*",
        _ => $"repository:{request.Name}:pull",
    };

    private async ValueTask<Task?> AwaitToken(ValueTask<AccessToken?> check, HttpContext context, RegistryRequestFeature feature, RegistryRequest request, AccessPolicy policy) =>
        WithToken(context, feature, request, policy, await check.ConfigureAwait(false));

    private async ValueTask<Task?> AwaitLogin(ValueTask<(LoginOutcome, AccessIdentity)> check, HttpContext context, RegistryRequestFeature feature, RegistryRequest request, AccessPolicy policy) =>
        WithLogin(context, feature, request, policy, await check.ConfigureAwait(false));

    private Task? WithToken(HttpContext context, RegistryRequestFeature feature, RegistryRequest request, AccessPolicy policy, AccessToken? token)
    {
        // Expired, forged, for another host or vhost, or a refresh token: the client fetches a new one.
        if (token is null || token.IsRefresh || token.Map != feature.Map.Name)
        {
            return Challenge(context, feature, request);
        }

        feature.Identity = token.Identity;
        return Decide(context, feature, request, policy, token);
    }

    private Task? WithLogin(HttpContext context, RegistryRequestFeature feature, RegistryRequest request, AccessPolicy policy, (LoginOutcome Outcome, AccessIdentity Identity) login)
    {
        switch (login.Outcome)
        {
            case LoginOutcome.Throttled:
                context.Response.Headers.RetryAfter = ClientLogin.RetryAfterSeconds(policy).ToString(System.Globalization.CultureInfo.InvariantCulture);
                return new OciError(StatusCodes.Status429TooManyRequests, "TOOMANYREQUESTS", "too many failed logins; retry later").WriteAsync(context);
            case LoginOutcome.Refused:
                return Challenge(context, feature, request);
        }

        feature.Identity = login.Identity;

        // docker login and podman login ask /v2/ and log in only when challenged: a client without credentials is
        // challenged there even when anonymous pulls are allowed (it then fetches an anonymous token).
        return request.Kind == RegistryRequestKind.Base && login.Identity.IsAnonymous
            ? Challenge(context, feature, request)
            : Decide(context, feature, request, policy, token: null);
    }

    // The policy in force decides; a token narrows it to what it was issued for (a reload may have taken grants away
    // since, and a token for one repository opens no other).
    private Task? Decide(HttpContext context, RegistryRequestFeature feature, RegistryRequest request, AccessPolicy policy, AccessToken? token)
    {
        var identity = feature.Identity!;
        var map = feature.Map.Name;
        var (allowed, action) = request.Kind switch
        {
            RegistryRequestKind.Base => (true, AccessAction.None),
            RegistryRequestKind.Catalog => (policy.HoldsAnywhere(identity, map, AccessAction.Catalog), AccessAction.Catalog),
            _ => (policy.Grants(identity, map, request.Name).HasFlag(AccessAction.Pull), AccessAction.Pull),
        };

        if (allowed && (token is null || action == AccessAction.None || token.Grants(action, request.Name)))
        {
            return Admit(context, feature, policy, identity);
        }

        if (allowed || identity.IsAnonymous)
        {
            // Allowed, but the token was not issued for it (insufficient scope), or anonymous: go and get one.
            return Challenge(context, feature, request);
        }

        return action == AccessAction.Catalog
            ? new OciError(StatusCodes.Status403Forbidden, "DENIED", "requested access to the resource is denied").WriteAsync(context)
            : OciErrors.NameUnknown(request.Name).WriteAsync(context);
    }

    public void Dispose() => _limits.Dispose();

    // The optional request limits, per user and per client address, on requests the policy let through.
    private Task? Admit(HttpContext context, RegistryRequestFeature feature, AccessPolicy policy, AccessIdentity identity)
    {
        var limits = _limits.For(policy);
        if (limits.None || limits.Admit(identity, feature.Table.PublicUrl.ClientAddress(context)))
        {
            return null;
        }

        context.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(policy.Options.RequestWindow.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
        return new OciError(StatusCodes.Status429TooManyRequests, "TOOMANYREQUESTS", "too many requests; retry later").WriteAsync(context);
    }

    private static Task Challenge(HttpContext context, RegistryRequestFeature feature, RegistryRequest request)
    {
        context.Response.Headers[HeaderNames.WWWAuthenticate] = PassthroughChallenge.Bearer(context, feature, ScopeOf(request));
        return new OciError(StatusCodes.Status401Unauthorized, "UNAUTHORIZED", "authentication required").WriteAsync(context);
    }
}
