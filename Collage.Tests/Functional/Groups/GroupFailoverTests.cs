using System.Diagnostics;
using System.Net;
using Collage.Tests.Functional.Faults;
using static Collage.Tests.Functional.Groups.GroupAnswers;

namespace Collage.Tests.Functional.Groups;

/// <summary>
/// A group's first member fails (refuses, resets, 500, 503, 429, hangs past the response-header timeout) and the
/// second answers, byte for byte, without the client seeing the first's failure; when every member fails the client
/// gets Collage's own OCI error naming no member; a blob cut mid-body is not failed over, its transfer is aborted.
/// </summary>
public sealed class GroupFailoverTests
{
    private const string ManifestPath = "/v2/lib/app/manifests/v1";

    public static TheoryData<MemberFault> Faults => new() { MemberFault.Reset, MemberFault.InternalError, MemberFault.Unavailable, MemberFault.TooManyRequests, MemberFault.Hang };

    [Theory]
    [MemberData(nameof(Faults))]
    public async Task GetManifest_FirstMemberFails_SecondAnswersByteForByte(MemberFault fault)
    {
        await using var first = await MemberRegistry.StartAsync("upone");
        await using var second = await MemberRegistry.StartAsync("uptwo");
        first.SetTag("app", "v1", OtherManifest);
        var digest = second.SetTag("app", "v1", Manifest);
        first.Fault = fault;
        await using var gateway = await GroupGateway.StartAsync(first, second);

        var clock = Stopwatch.StartNew();
        var (response, body) = await gateway.GetAsync(ManifestPath);

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        body.Should().Equal(Manifest);
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/vnd.oci.image.manifest.v1+json");
        response.Content.Headers.ContentLength.Should().Be(Manifest.Length);
        response.Headers.GetValues("Docker-Content-Digest").Should().Equal(digest);
        response.Headers.RetryAfter.Should().BeNull("the first member's 429 is not the client's");
        first.RepositoryRequests.Should().NotBeEmpty().And.OnlyContain(r => r.Path == "/v2/upone/app/manifests/v1");
        second.RepositoryRequests.Should().ContainSingle().Which.Path.Should().Be("/v2/uptwo/app/manifests/v1");
        clock.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(10), "a hanging member costs the 3 s response-header timeout, not the 20 s activity timeout");
    }

    [Theory]
    [MemberData(nameof(Faults))]
    public async Task GetBlob_FirstMemberFails_SecondAnswersByteForByte(MemberFault fault)
    {
        await using var first = await MemberRegistry.StartAsync("upone");
        await using var second = await MemberRegistry.StartAsync("uptwo");
        var blob = Blob();
        var digest = first.AddBlob("app", blob);
        second.AddBlob("app", blob);
        first.Fault = fault;
        await using var gateway = await GroupGateway.StartAsync(first, second);

        var (response, body) = await gateway.GetAsync($"/v2/lib/app/blobs/{digest}");

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        body.Should().Equal(blob);
        response.Content.Headers.ContentLength.Should().Be(blob.Length);
        response.Headers.GetValues("Docker-Content-Digest").Should().Equal(digest);
        second.RepositoryRequests.Should().ContainSingle().Which.Path.Should().Be($"/v2/uptwo/app/blobs/{digest}");
    }

    [Fact]
    public async Task GetManifest_FirstMemberRefusesConnections_SecondAnswers()
    {
        await using var first = await MemberRegistry.StartAsync("upone");
        await using var second = await MemberRegistry.StartAsync("uptwo");
        second.SetTag("app", "v1", Manifest);
        await first.StopAsync();
        await using var gateway = await GroupGateway.StartAsync(first, second);

        var (response, body) = await gateway.GetAsync(ManifestPath);

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        body.Should().Equal(Manifest);
        second.RepositoryRequests.Should().ContainSingle();
    }

    [Theory]
    [InlineData(MemberFault.InternalError, HttpStatusCode.BadGateway, "UNAVAILABLE")]
    [InlineData(MemberFault.Unavailable, HttpStatusCode.BadGateway, "UNAVAILABLE")]
    [InlineData(MemberFault.Reset, HttpStatusCode.BadGateway, "UNAVAILABLE")]
    [InlineData(MemberFault.TooManyRequests, HttpStatusCode.TooManyRequests, "TOOMANYREQUESTS")]
    [InlineData(MemberFault.Hang, HttpStatusCode.GatewayTimeout, "UNAVAILABLE")]
    public async Task GetManifest_EveryMemberFails_CollagesErrorNamingNoMember(MemberFault fault, HttpStatusCode status, string code)
    {
        await using var first = await MemberRegistry.StartAsync("upone");
        await using var second = await MemberRegistry.StartAsync("uptwo");
        first.Fault = second.Fault = fault;
        await using var gateway = await GroupGateway.StartAsync([first.Source, second.Source], activityTimeout: "00:00:05");

        var clock = Stopwatch.StartNew();
        var (response, body) = await gateway.GetAsync(ManifestPath);

        response.StatusCode.Should().Be(status);
        ErrorCode(body).Should().Be(code);
        ShouldNameNoMember(response, body, first, second);
        first.RepositoryRequests.Should().NotBeEmpty();
        second.RepositoryRequests.Should().NotBeEmpty("the second member is asked before Collage gives up");
        clock.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(15), "the first member costs the response-header timeout, the last the activity timeout");
        if (fault == MemberFault.TooManyRequests)
        {
            response.Headers.RetryAfter.Should().NotBeNull("a rate-limited group tells the client when to come back");
        }
    }

    [Fact]
    public async Task GetManifest_EveryMemberRefusesConnections_502NamingNoMember()
    {
        await using var first = await MemberRegistry.StartAsync("upone");
        await using var second = await MemberRegistry.StartAsync("uptwo");
        await first.StopAsync();
        await second.StopAsync();
        await using var gateway = await GroupGateway.StartAsync(first, second);

        var (response, body) = await gateway.GetAsync(ManifestPath);

        response.StatusCode.Should().Be(HttpStatusCode.BadGateway);
        ErrorCode(body).Should().Be("UNAVAILABLE");
        ShouldNameNoMember(response, body, first, second);
    }

    [Fact]
    public async Task GetBlob_FirstMemberDiesMidBody_TransferAbortedNotFailedOver()
    {
        await using var first = await MemberRegistry.StartAsync("upone");
        await using var second = await MemberRegistry.StartAsync("uptwo");
        var blob = Blob(1024 * 1024);
        var digest = first.AddBlob("app", blob);
        second.AddBlob("app", blob);
        first.Fault = MemberFault.DiesMidBody;
        await using var gateway = await GroupGateway.StartAsync(first, second);

        using var response = await gateway.Client.GetAsync($"/v2/lib/app/blobs/{digest}", HttpCompletionOption.ResponseHeadersRead);
        first.CutBody.SetResult();
        var (received, failure) = await FaultBlob.DrainAsync(response, TimeSpan.FromSeconds(20));

        response.StatusCode.Should().Be(HttpStatusCode.OK, "the first member's headers had gone out");
        failure.Should().NotBeNull("a transfer cut upstream ends in an abort, never a clean end or another member's bytes");
        received.Should().BeLessThan(blob.Length);
        second.RepositoryRequests.Should().BeEmpty("a response that had started is not failed over");
    }

    [Fact]
    public async Task HeadManifest_FirstMemberFails_SecondAnswersHeadersOnly()
    {
        await using var first = await MemberRegistry.StartAsync("upone");
        await using var second = await MemberRegistry.StartAsync("uptwo");
        var digest = second.SetTag("app", "v1", Manifest);
        first.Fault = MemberFault.Unavailable;
        await using var gateway = await GroupGateway.StartAsync(first, second);

        var (response, body) = await gateway.GetAsync(ManifestPath, HttpMethod.Head);

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        body.Should().BeEmpty();
        response.Content.Headers.ContentLength.Should().Be(Manifest.Length);
        response.Headers.GetValues("Docker-Content-Digest").Should().Equal(digest);
        second.RepositoryRequests.Should().ContainSingle().Which.Method.Should().Be("HEAD");
    }
}
