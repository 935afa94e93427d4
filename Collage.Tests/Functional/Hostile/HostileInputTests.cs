using Collage.Tests.Common;
using Collage.Tests.Functional.Infrastructure;
using Collage.Transforms.Upstreams;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Collage.Tests.Functional.Hostile;

/// <summary>
/// Every request of <see cref="HostileCorpus"/> gets its 4xx, with an OCI error body where Collage answers,
/// leaks nothing (no upstream address or namespace, no exception text), and makes Collage contact nothing.
/// </summary>
public sealed class HostileInputTests : IAsyncLifetime
{
    private LoopbackServer _upstream = null!;
    private LoopbackServer _private = null!;
    private LoopbackServer _decoy = null!;
    private CollageServer _collage = null!;
    private readonly EgressRecorder _egress = new();

    public static TheoryData<HostileCase> Cases => [.. HostileCorpus.Cases];

    public async Task InitializeAsync()
    {
        _upstream = await LoopbackServer.StartAsync(context => context.Response.WriteAsync("{\"name\":\"team/web\",\"tags\":[\"v1\"]}"));
        _private = await LoopbackServer.StartAsync(context => context.Response.WriteAsync("{}"));
        _decoy = await LoopbackServer.StartAsync(context => context.Response.WriteAsync("{}"));
        _collage = await CollageServer.StartAsync(
            new
            {
                mappings = new Dictionary<string, string> { ["apps"] = $"http://{_upstream.Authority}/team" },
                vhosts = new Dictionary<string, object> { ["private.lan"] = new { mappings = new Dictionary<string, string> { ["secret"] = $"http://{_private.Authority}/hidden" } } },
            },
            services => services.AddSingleton<IUpstreamWireTap>(_egress));
    }

    public async Task DisposeAsync()
    {
        await _collage.DisposeAsync();
        await _decoy.DisposeAsync();
        await _private.DisposeAsync();
        await _upstream.DisposeAsync();
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task HostileRequest_Gets4xxLeaksNothingAndContactsNoUpstream(HostileCase hostile)
    {
        var request = hostile.Request.Replace("{host}", _collage.BaseUri.Authority, StringComparison.Ordinal)
            .Replace("{decoy}", _decoy.Authority, StringComparison.Ordinal);

        var (status, head, body) = await RawRequest.SendAsync(_collage.BaseUri, request);

        status.Should().Be(hostile.Status, hostile.Name);
        if (hostile.Code is { } code)
        {
            head.Should().Contain("Content-Type: application/json");
            body.Should().Contain($"\"code\":\"{code}\"");
        }
        else
        {
            body.Should().BeEmpty("Kestrel's own refusals carry no body");
        }

        var answer = head + body;
        foreach (var secret in new[] { _upstream.Authority, _private.Authority, "team", "hidden", "Exception", "   at ", "Collage." })
        {
            answer.Should().NotContain(secret);
        }

        _upstream.TotalConnections.Should().Be(0);
        _private.TotalConnections.Should().Be(0);
        _decoy.TotalConnections.Should().Be(0);
        _egress.Connects.Should().BeEmpty();
        _collage.Logs.Lines.Should().NotContain(l => l.StartsWith("Error", StringComparison.Ordinal) || l.StartsWith("Critical", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("Content-Length: 5\r\nTransfer-Encoding: chunked\r\n")]
    [InlineData("Transfer-Encoding: chunked\r\n")]
    [InlineData("Content-Length: 5\r\n")]
    public async Task GetWithBody_OnAKeepAliveConnection_IsAnsweredWithConnectionClose(string framing)
    {
        // RFC 9112 section 6.1: whatever the body's framing, the connection it came on cannot be trusted again.
        var (status, head, _) = await RawRequest.SendAsync(
            _collage.BaseUri, $"GET /v2/apps/web/manifests/v1 HTTP/1.1\r\nHost: {_collage.BaseUri.Authority}\r\n{framing}\r\n");

        status.Should().Be(400);
        head.Should().Contain("Connection: close");
        _upstream.TotalConnections.Should().Be(0);
    }
}
