using System.Globalization;
using Collage.Transforms.Access;
using Collage.Transforms.Mounts;

namespace Collage.Proxy.Ui;

/// <summary>
/// Access control for the page, decided as <c>/v2/</c> decides it: Basic credentials checked by the same
/// <see cref="ClientLogin"/> (htpasswd or an OIDC token as password), from the browser's own address, so failed logins
/// on the page count against that address and not against the loopback the page's calls come from. A browser cannot
/// follow a Bearer challenge, so the page challenges with Basic.
/// </summary>
internal sealed class UiGate(ClientLogin login)
{
    /// <summary>The realm of the page's Basic challenge.</summary>
    public const string Challenge = "Basic realm=\"Collage\", charset=\"UTF-8\"";

    /// <summary>The viewer of <paramref name="context"/>, or null when the answer (a challenge) has been written.</summary>
    public async ValueTask<UiViewer?> AdmitAsync(HttpContext context, MountTable table, UiLinks links)
    {
        if (table.Access is not { } policy)
        {
            return new UiViewer(AccessIdentity.Anonymous, null);
        }

        var (outcome, identity) = await login.LoginAsync(context, policy, table.PublicUrl.ClientAddress(context)).ConfigureAwait(false);
        switch (outcome)
        {
            case LoginOutcome.Throttled:
                context.Response.Headers.RetryAfter = ClientLogin.RetryAfterSeconds(policy).ToString(CultureInfo.InvariantCulture);
                await WriteAsync(context, links, StatusCodes.Status429TooManyRequests, "Too many failed logins from your address. Try again later.").ConfigureAwait(false);
                return null;
            case LoginOutcome.Refused:
                await ChallengeAsync(context, links).ConfigureAwait(false);
                return null;
        }

        if (identity.IsAnonymous && !policy.AnonymousMayPull)
        {
            await ChallengeAsync(context, links).ConfigureAwait(false);
            return null;
        }

        return new UiViewer(identity, policy);
    }

    /// <summary>Asks the browser to log in: what a 401 of Collage's <c>/v2/</c> turns into on the page.</summary>
    public static Task ChallengeAsync(HttpContext context, UiLinks links)
    {
        context.Response.Headers.WWWAuthenticate = Challenge;
        return WriteAsync(context, links, StatusCodes.Status401Unauthorized, "Log in to see this registry: your user name and password, as for docker login.");
    }

    private static Task WriteAsync(HttpContext context, UiLinks links, int status, string message)
    {
        var html = UiLayout.Open(links, "Log in", string.Empty);
        UiLayout.Error(html.Raw("<h1>Log in</h1>"), message);
        return UiLayout.WriteAsync(context, status, UiLayout.Close(html));
    }
}
