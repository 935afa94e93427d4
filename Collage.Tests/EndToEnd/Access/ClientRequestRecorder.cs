using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Collage.Tests.EndToEnd.Access;

/// <summary>
/// A test hook in front of Collage's whole pipeline (an <see cref="IStartupFilter"/>, so outside Collage's own
/// middleware): records which <c>Authorization</c> scheme each client request carried and what its token says, to
/// prove a real client went through the token flow (a token from <c>/v2/token</c>, then Bearer on the pulls) and did
/// not send Basic on every request. It changes nothing: the OAuth form of a token POST is read only after Collage
/// parsed it (the cached <see cref="IFormFeature"/>), never from the body.
/// </summary>
internal sealed class ClientRequestRecorder : IStartupFilter
{
    private readonly ConcurrentQueue<ClientRequest> _requests = new();

    /// <summary>Every request answered so far, in the order their answers started.</summary>
    public IReadOnlyList<ClientRequest> Requests => [.. _requests];

    /// <summary>The requests to the token endpoint.</summary>
    public IReadOnlyList<ClientRequest> TokenRequests => [.. _requests.Where(r => r.IsTokenRequest)];

    /// <summary>The requests for manifests, blobs or tags of <paramref name="repository"/>.</summary>
    public IReadOnlyList<ClientRequest> RequestsFor(string repository) => [.. _requests.Where(r => r.IsFor(repository))];

    /// <summary>All requests, one a line, for assertion messages.</summary>
    public string Describe() => string.Join(Environment.NewLine, _requests);

    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.Use(async (context, inner) =>
        {
            var authorization = context.Request.Headers.Authorization.ToString();
            var recorded = 0;
            void RecordOnce()
            {
                if (Interlocked.Exchange(ref recorded, 1) == 0)
                {
                    _requests.Enqueue(Record(context, authorization));
                }
            }

            // Recorded before the answer's headers leave, so a client that has exited was recorded in full.
            context.Response.OnStarting(() =>
            {
                RecordOnce();
                return Task.CompletedTask;
            });
            try
            {
                await inner(context);
            }
            finally
            {
                // An answer that never started (the client went away) is recorded here.
                RecordOnce();
            }
        });
        next(app);
    };

    private static ClientRequest Record(HttpContext context, string authorization)
    {
        string? scheme = null, basicUser = null, subject = null;
        IReadOnlyList<string> repositories = [];
        if (AuthenticationHeaderValue.TryParse(authorization, out var header))
        {
            scheme = header.Scheme;
            if (string.Equals(header.Scheme, "Basic", StringComparison.OrdinalIgnoreCase))
            {
                basicUser = BasicUserOf(header.Parameter);
            }
            else if (string.Equals(header.Scheme, "Bearer", StringComparison.OrdinalIgnoreCase))
            {
                (subject, repositories) = ClaimsOf(header.Parameter);
            }
        }

        var form = context.Features.Get<IFormFeature>()?.Form;
        return new ClientRequest(
            context.Request.Method,
            context.Request.Path.Value ?? string.Empty,
            context.Request.QueryString.Value ?? string.Empty,
            context.Response.StatusCode,
            scheme,
            basicUser,
            subject,
            repositories,
            form?["grant_type"].FirstOrDefault(),
            form?["username"].FirstOrDefault());
    }

    private static string? BasicUserOf(string? parameter)
    {
        try
        {
            var text = Encoding.UTF8.GetString(Convert.FromBase64String(parameter ?? string.Empty));
            var colon = text.IndexOf(':');
            return colon < 0 ? null : text[..colon];
        }
        catch (FormatException)
        {
            return null;
        }
    }

    // Read, not validated: Collage checks the token; the test only wants to know whose it is and what it lists.
    private static (string? Subject, IReadOnlyList<string> Repositories) ClaimsOf(string? token)
    {
        JsonWebToken jwt;
        try
        {
            jwt = new JsonWebToken(token ?? string.Empty);
        }
        catch (ArgumentException)
        {
            return (null, []);
        }

        var subject = jwt.TryGetPayloadValue<string>("sub", out var sub) ? sub : null;
        List<string> repositories = [];
        using var payload = JsonDocument.Parse(Base64UrlEncoder.DecodeBytes(jwt.EncodedPayload));
        if (payload.RootElement.TryGetProperty("access", out var access) && access.ValueKind == JsonValueKind.Array)
        {
            foreach (var entry in access.EnumerateArray())
            {
                if (entry.GetProperty("type").GetString() == "repository"
                    && entry.GetProperty("actions").EnumerateArray().Any(a => a.GetString() == "pull"))
                {
                    repositories.Add(entry.GetProperty("name").GetString()!);
                }
            }
        }

        return (subject, repositories);
    }
}
