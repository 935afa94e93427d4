using System.Net;
using Collage.Tests.Common;
using Collage.Tests.EndToEnd.Infrastructure;
using Microsoft.AspNetCore.Http;
using Xunit.Abstractions;

namespace Collage.Tests.EndToEnd.Groups;

/// <summary>
/// Every way a group can fail a client ends as an OCI error body that names no member (no host:port, no URL, no stack
/// trace): content on no member (404), every member refusing (both real registries killed, or closed ports), the
/// last member answering 503 or 429 with a body that names itself, and a hanging member followed by a refusing one.
/// </summary>
[Collection(GroupMembersCollection.Name)]
public sealed class GroupFailureBodyTests(GroupMembersFixture members, ITestOutputHelper output) : IAsyncLifetime
{
    private const string Missing = "sha256:0000000000000000000000000000000000000000000000000000000000000000";

    private readonly TempDirectory _work = TempDirectory.Create("group-failures");
    private readonly string _closed = $"127.0.0.1:{FreePort.Next()}";
    private readonly string _alsoClosed = $"127.0.0.1:{FreePort.Next()}";
    private LoopbackServer _unavailable = null!;
    private LoopbackServer _limited = null!;
    private HangingMember _hanging = null!;
    private GroupGateway _collage = null!;

    private IEnumerable<string> Members =>
        [members.First.HostPort, members.Second.HostPort, _closed, _alsoClosed, _unavailable.Authority, _limited.Authority, _hanging.Authority];

    public async Task InitializeAsync()
    {
        await members.EnsureRunningAsync();
        _unavailable = await LoopbackServer.StartAsync(context => AnswerAsync(context, StatusCodes.Status503ServiceUnavailable, "UNAVAILABLE"));
        _limited = await LoopbackServer.StartAsync(context =>
        {
            context.Response.Headers.RetryAfter = "7";
            return AnswerAsync(context, StatusCodes.Status429TooManyRequests, "TOOMANYREQUESTS");
        });
        _hanging = await HangingMember.StartAsync();
        _collage = await GroupGateway.StartAsync(new
        {
            mappings = new Dictionary<string, object>
            {
                ["lib"] = new[] { $"http://{members.First.HostPort}/team", $"http://{members.Second.HostPort}/team" },
                ["dead"] = new[] { $"http://{_closed}/team", $"http://{_alsoClosed}/team" },
                ["busy"] = new[] { $"http://{_closed}/team", $"http://{_unavailable.Authority}/team" },
                ["limited"] = new[] { $"http://{_closed}/team", $"http://{_limited.Authority}/team" },
                ["stuck"] = new[] { $"http://{_hanging.Authority}/team", $"http://{_alsoClosed}/team" },
            },
            http = new { responseHeaderTimeout = "00:00:02" },
        });
    }

    public async Task DisposeAsync()
    {
        output.WriteLine(_collage.LogText);
        await _collage.DisposeAsync();
        await _hanging.DisposeAsync();
        await _limited.DisposeAsync();
        await _unavailable.DisposeAsync();
        _work.Dispose();
    }

    [Fact]
    public async Task Get_OnNoMember_404OciErrorNamingNoMember()
    {
        foreach (var (path, code) in new[]
        {
            ("/v2/lib/app/manifests/nope", "MANIFEST_UNKNOWN"),
            ($"/v2/lib/app/manifests/{Missing}", "MANIFEST_UNKNOWN"),
            ("/v2/lib/nope/manifests/v1", "MANIFEST_UNKNOWN"), // distribution 2.8's code for a manifest of an unknown name
            ($"/v2/lib/app/blobs/{Missing}", "BLOB_UNKNOWN"),
            ("/v2/lib/nope/tags/list", "NAME_UNKNOWN"),
        })
        {
            var answer = await _collage.GetAsync(path);
            output.WriteLine($"{path}: {(int)answer.Status} {answer.Body}");
            answer.Status.Should().Be(HttpStatusCode.NotFound, "{0} is on no member: {1}", path, answer.Body);
            OciErrorBody.ShouldNameNoMember(answer.Body, Members, code, path);
        }
    }

    [Fact]
    public async Task Pull_BothMembersKilled_SkopeoFailsAndEveryAnswerIsAnOciErrorNamingNoMember()
    {
        var first = members.First.HostPort;
        var second = members.Second.HostPort;
        await members.KillAsync(members.First);
        await members.KillAsync(members.Second);

        var copy = () => members.Skopeo.CopyAsync($"docker://{_collage.HostPort}/lib/app:v1", $"dir:{_work.Combine("none")}");
        var failure = await copy.Should().ThrowAsync<ProcessFailedException>("no member is up");
        output.WriteLine(failure.Which.Result.StandardError);
        failure.Which.Result.StandardError.Should().NotContain(first).And.NotContain(second);
        await EveryPathFailsAsync("lib", [HttpStatusCode.BadGateway, HttpStatusCode.GatewayTimeout]);
    }

    [Fact]
    public async Task Get_EveryMemberRefuses_502OciErrorNamingNoMember() =>
        await EveryPathFailsAsync("dead", [HttpStatusCode.BadGateway]);

    [Fact]
    public async Task Get_LastMemberAnswers503_OciErrorNamingNoMember()
    {
        await EveryPathFailsAsync("busy", [HttpStatusCode.BadGateway, HttpStatusCode.ServiceUnavailable]);
        _unavailable.Requests.Should().NotBeEmpty("the 503 came from the last member");
    }

    [Fact]
    public async Task Get_LastMemberAnswers429_429OciErrorNamingNoMember()
    {
        var answer = await _collage.GetAsync("/v2/limited/app/manifests/v1");
        answer.Status.Should().Be(HttpStatusCode.TooManyRequests, answer.Body);
        answer.RetryAfter.Should().Be("7", "the last member's Retry-After is passed on");
        OciErrorBody.ShouldNameNoMember(answer.Body, Members, "TOOMANYREQUESTS", "the last member answered 429");
        _limited.Requests.Should().ContainSingle("the 429 came from the last member");

        // The 429 puts the member in the rate-limit back-off (its Retry-After): Collage answers for it, still a 429 OCI error.
        await EveryPathFailsAsync("limited", [HttpStatusCode.TooManyRequests, HttpStatusCode.BadGateway]);
    }

    [Fact]
    public async Task Get_FirstHangsLastRefuses_OciErrorAfterTheHeaderTimeoutNamingNoMember()
    {
        var answer = await _collage.GetAsync("/v2/stuck/app/manifests/v1");
        output.WriteLine($"{(int)answer.Status} after {answer.Elapsed.TotalSeconds:F2} s: {answer.Body}");
        answer.Status.Should().BeOneOf([HttpStatusCode.BadGateway, HttpStatusCode.GatewayTimeout], answer.Body);
        answer.Elapsed.Should().BeGreaterThanOrEqualTo(TimeSpan.FromSeconds(2), "the hanging member had its response-header timeout");
        OciErrorBody.ShouldNameNoMember(answer.Body, Members, because: "a hanging member, then a refusing one");
        _hanging.Requests.Should().ContainSingle();
        await EveryPathFailsAsync("stuck", [HttpStatusCode.BadGateway, HttpStatusCode.GatewayTimeout]);
        _hanging.Requests.Should().ContainSingle("its breaker is open: the other paths skipped it");
    }

    // Manifest by tag and by digest, a blob, and tags/list: each fails with one of the statuses and an OCI error body.
    private async Task EveryPathFailsAsync(string mount, HttpStatusCode[] statuses)
    {
        foreach (var path in new[]
        {
            $"/v2/{mount}/app/manifests/v1",
            $"/v2/{mount}/app/manifests/{members.Shared.ManifestDigest}",
            $"/v2/{mount}/app/blobs/{members.Shared.ConfigDigest}",
            $"/v2/{mount}/app/tags/list",
        })
        {
            var answer = await _collage.GetAsync(path);
            output.WriteLine($"{path}: {(int)answer.Status} {answer.Body}");
            answer.Status.Should().BeOneOf(statuses, "{0}: {1}", path, answer.Body);
            OciErrorBody.ShouldNameNoMember(answer.Body, Members, because: path);
        }
    }

    // A failing registry that names itself in its body, as some do: Collage must not pass that on.
    private static Task AnswerAsync(HttpContext context, int status, string code)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        var self = $"{context.Request.Host}";
        return context.Response.WriteAsync($$"""{"errors":[{"code":"{{code}}","message":"http://{{self}} is failing","detail":"{{self}}"}]}""");
    }
}
