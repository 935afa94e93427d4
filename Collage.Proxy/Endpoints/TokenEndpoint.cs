using System.Net.Http.Headers;
using System.Text;
using Collage.Transforms.Access.Tokens;
using Collage.Transforms.Passthrough;
using Collage.Transforms.Registry;
using Microsoft.AspNetCore.Http.Features;

namespace Collage.Proxy.Endpoints;

/// <summary>
/// <c>/v2/token</c>: Collage's token endpoint, the realm of Collage's challenges: under access control it issues
/// Collage's own tokens (<see cref="TokenIssuer"/>), else it serves pass-through upstreams. Speaks
/// the distribution token spec (GET with optional Basic credentials, <c>scope</c> repeated) and its OAuth 2.0 form
/// (POST with <c>grant_type=password</c> or <c>refresh_token</c>, which containerd uses); for pass-through the work is
/// done by <see cref="TokenRelay"/>.
/// </summary>
internal static class TokenEndpoint
{
    public const string Path = PublicUrlResolver.TokenPath;

    /// <summary>
    /// The largest OAuth 2.0 form read. A password or refresh-token grant with its scopes is well under 1 KiB; the
    /// cap is generous for long refresh tokens and many scopes.
    /// </summary>
    public const long MaxFormBytes = 16 * 1024;

    public static async Task HandleAsync(HttpContext context, TokenRelay relay, TokenIssuer issuer)
    {
        var request = context.Request;
        List<string> scopes = [];
        ClientGrant grant;
        if (HttpMethods.IsPost(request.Method))
        {
            if (!request.HasFormContentType)
            {
                await new OciError(StatusCodes.Status400BadRequest, "UNSUPPORTED", "the token endpoint takes an application/x-www-form-urlencoded POST").WriteAsync(context);
                return;
            }

            // The one body Collage reads: Kestrel's limit is 0 for everything else (writes are refused unread), so
            // without this containerd's OAuth POST got 413 and its pull failed.
            if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
            {
                limit.MaxRequestBodySize = MaxFormBytes;
            }

            var form = await request.ReadFormAsync(context.RequestAborted);
            AddScopes(scopes, form["scope"]);
            var common = new ClientGrant { ClientId = form["client_id"].FirstOrDefault(), Offline = form["access_type"] == "offline" };
            grant = form["grant_type"].ToString() switch
            {
                "password" when form["username"].FirstOrDefault() is { Length: > 0 } user => common with { Username = user, Password = form["password"].ToString() },
                "refresh_token" when form["refresh_token"].FirstOrDefault() is { Length: > 0 } refresh => common with { RefreshToken = refresh },
                _ => ClientGrant.Anonymous,
            };
            if (grant.IsAnonymous)
            {
                // RFC 6749 section 5.2: unsupported_grant_type, in the registry's error format.
                await new OciError(StatusCodes.Status400BadRequest, "UNSUPPORTED", "grant_type must be password (with username) or refresh_token").WriteAsync(context);
                return;
            }
        }
        else
        {
            AddScopes(scopes, request.Query["scope"]);
            grant = new ClientGrant
            {
                BasicParameter = BasicParameter(request),
                ClientId = request.Query["client_id"].FirstOrDefault(),
                Offline = string.Equals(request.Query["offline_token"], "true", StringComparison.OrdinalIgnoreCase),
            };
        }

        // The front door chose the map, by the Host or by the ns that Collage's challenge put into this realm.
        var feature = context.Features.GetRequiredFeature<RegistryRequestFeature>();
        var result = feature.Table.Access is { } policy
            ? await issuer.IssueAsync(context, feature, policy, scopes, grant)
            : await relay.RelayAsync(feature.Table, feature.Map, scopes, grant, context.RequestAborted);

        // RFC 6749 section 5.1: token answers must not be cached by anyone on the way.
        context.Response.Headers.CacheControl = "no-store";
        context.Response.Headers.Pragma = "no-cache";
        if (result.Error is { } error)
        {
            if (result.Challenge is { } challenge)
            {
                context.Response.Headers.WWWAuthenticate = challenge;
            }

            if (result.RetryAfterSeconds is { } retryAfter)
            {
                context.Response.Headers.RetryAfter = retryAfter.ToString(System.Globalization.CultureInfo.InvariantCulture);
            }

            await error.WriteAsync(context);
            return;
        }

        context.Response.ContentType = "application/json";
        context.Response.ContentLength = result.Body!.Length;
        if (!HttpMethods.IsHead(request.Method))
        {
            await context.Response.Body.WriteAsync(result.Body, context.RequestAborted);
        }
    }

    private static void AddScopes(List<string> scopes, Microsoft.Extensions.Primitives.StringValues values)
    {
        foreach (var value in values)
        {
            scopes.AddRange((value ?? string.Empty).Split(' ', StringSplitOptions.RemoveEmptyEntries));
        }
    }

    // Only a well-formed Basic header is relayed: anything else (a Bearer, garbage) is treated as no credentials.
    private static string? BasicParameter(HttpRequest request)
    {
        if (!AuthenticationHeaderValue.TryParse(request.Headers.Authorization.ToString(), out var authorization)
            || !string.Equals(authorization.Scheme, "Basic", StringComparison.OrdinalIgnoreCase)
            || authorization.Parameter is not { Length: > 0 } parameter)
        {
            return null;
        }

        try
        {
            return Encoding.UTF8.GetString(Convert.FromBase64String(parameter)).Contains(':') ? parameter : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
