using System.Net;
using Collage.Tests.EndToEnd.Infrastructure;
using Xunit.Abstractions;

namespace Collage.Tests.EndToEnd.Groups;

/// <summary>
/// Two real distribution registries as the members of one group, <c>lib</c> (first-healthy) and <c>strict</c>
/// (primary-only) over the same two: skopeo and podman pull through Collage while the first member is killed, content
/// only on the second is found, and a tag that names different images on the two members resolves per the policy,
/// with both up and with the first down. What reached each member is read from its access log.
/// </summary>
[Collection(GroupMembersCollection.Name)]
public sealed class GroupFailoverTests(GroupMembersFixture members, ITestOutputHelper output) : IAsyncLifetime
{
    private readonly TempDirectory _work = TempDirectory.Create("group-failover");
    private GroupGateway _collage = null!;
    private string _first = null!;
    private string _second = null!;

    private string[] Members => [_first, _second];

    public async Task InitializeAsync()
    {
        await members.EnsureRunningAsync();
        _first = members.First.HostPort;
        _second = members.Second.HostPort;
        string[] upstreams = [$"http://{_first}/team", $"http://{_second}/team"];
        _collage = await GroupGateway.StartAsync(new
        {
            mappings = new Dictionary<string, object>
            {
                ["lib"] = upstreams,
                ["strict"] = new { upstreams, tags = "primary-only" },
            },
        });
    }

    public async Task DisposeAsync()
    {
        output.WriteLine(_collage.LogText);
        await _collage.DisposeAsync();
        _work.Dispose();
    }

    [Fact]
    public async Task Pull_FirstMemberKilled_SkopeoAndPodmanStillPullFromSecondWithEqualDigests()
    {
        var reference = $"{_collage.HostPort}/lib/app:v1";
        await CopyAndCheckAsync(reference, members.Shared, "both-up");
        (await members.First.AccessLogBarrierAsync()).Should().Contain(e => e.Target == "/v2/team/app/manifests/v1" && e.Status == 200, "with both up the first member answers");

        await members.KillAsync(members.First);

        await CopyAndCheckAsync(reference, members.Shared, "first-down");
        using var podman = new Podman();
        var pull = await podman.PullAsync(reference, await _collage.WriteRegistriesConfAsync());
        output.WriteLine($"podman pull with the first member down: {pull.Elapsed.TotalSeconds:F2} s");
        (await podman.ImageDigestAsync(reference)).Should().Be(members.Shared.ManifestDigest);
        var second = await members.Second.AccessLogBarrierAsync();
        second.Should().Contain(e => e.Method == "GET" && e.Target == "/v2/team/app/manifests/v1" && e.Status == 200);
        foreach (var blob in members.Shared.BlobDigests)
        {
            second.Should().Contain(e => e.Method == "GET" && e.Target == $"/v2/team/app/blobs/{blob}" && e.Status == 200, "the second member served {0}", blob);
        }

        _collage.LogText.Should().Contain($"Group member {_first} failed", "the first member's breaker opened, and the log says so once");
    }

    [Fact]
    public async Task Pull_ImageOnlyOnSecond_FoundAfterTheFirstSaysNotFound()
    {
        var reference = $"docker://{_collage.HostPort}/lib/only:v1";
        Sha256Digest.Of(await members.Skopeo.InspectRawAsync(reference)).Should().Be(members.OnlySecond.ManifestDigest);
        await CopyAndCheckAsync($"{_collage.HostPort}/lib/only:v1", members.OnlySecond, "only-second");

        (await members.First.AccessLogBarrierAsync()).Should().Contain(
            e => e.Target == "/v2/team/only/manifests/v1" && e.Status == 404, "the first member was asked and has no such repository");
        (await members.Second.AccessLogBarrierAsync()).Should().Contain(e => e.Target == "/v2/team/only/manifests/v1" && e.Status == 200);

        // By digest every member may answer, under primary-only too; by tag only the first, which has no such tag.
        var byDigest = await _collage.GetAsync($"/v2/strict/only/manifests/{members.OnlySecond.ManifestDigest}");
        byDigest.Status.Should().Be(HttpStatusCode.OK, byDigest.Body);
        byDigest.Digest.Should().Be(members.OnlySecond.ManifestDigest);
        var secondBefore = (await members.Second.AccessLogBarrierAsync()).Count(e => e.Target == "/v2/team/only/manifests/v1");
        var byTag = await _collage.GetAsync("/v2/strict/only/manifests/v1");
        byTag.Status.Should().Be(HttpStatusCode.NotFound, "under primary-only a tag the first member lacks is not found: {0}", byTag.Body);
        OciErrorBody.ShouldNameNoMember(byTag.Body, Members, because: "for a tag only the first member was asked about");
        (await members.Second.AccessLogBarrierAsync()).Count(e => e.Target == "/v2/team/only/manifests/v1").Should().Be(secondBefore, "primary-only never asks the second member about a tag");
    }

    [Fact]
    public async Task GetTag_OnBothMembers_FirstMembersImageUnderBothPolicies()
    {
        foreach (var mount in new[] { "lib", "strict" })
        {
            var raw = await members.Skopeo.InspectRawAsync($"docker://{_collage.HostPort}/{mount}/app:moving");
            Sha256Digest.Of(raw).Should().Be(members.MovingFirst.ManifestDigest, "{0}: the first member has the tag, and it answers", mount);
            var answer = await _collage.GetAsync($"/v2/{mount}/app/manifests/moving");
            answer.Digest.Should().Be(members.MovingFirst.ManifestDigest);
        }

        (await members.Second.AccessLogBarrierAsync()).Should().NotContain(
            e => IsRead(e) && e.Target == "/v2/team/app/manifests/moving", "the first member answered every time; the second was never asked");
    }

    [Fact]
    public async Task GetTag_FirstMemberKilled_FirstHealthyGivesSecondsImagePrimaryOnlyAnOciError()
    {
        await members.KillAsync(members.First);

        var strict = await _collage.GetAsync("/v2/strict/app/manifests/moving");
        strict.Status.Should().BeOneOf([HttpStatusCode.BadGateway, HttpStatusCode.GatewayTimeout], "primary-only: the tag's only member is down: {0}", strict.Body);
        OciErrorBody.ShouldNameNoMember(strict.Body, Members, because: "primary-only with the first member down");
        var inspect = () => members.Skopeo.InspectRawAsync($"docker://{_collage.HostPort}/strict/app:moving");
        var failure = await inspect.Should().ThrowAsync<ProcessFailedException>("primary-only does not fall over by tag");
        failure.Which.Result.StandardError.Should().NotContain(_first).And.NotContain(_second);
        output.WriteLine($"skopeo, primary-only with the first down: {failure.Which.Result.StandardError}");
        (await members.Second.AccessLogBarrierAsync()).Should().NotContain(e => IsRead(e) && e.Target == "/v2/team/app/manifests/moving", "primary-only never asks the second member about a tag");

        var byDigest = await _collage.GetAsync($"/v2/strict/app/manifests/{members.MovingSecond.ManifestDigest}");
        byDigest.Status.Should().Be(HttpStatusCode.OK, "by digest any member may answer, under primary-only too: {0}", byDigest.Body);

        var raw = await members.Skopeo.InspectRawAsync($"docker://{_collage.HostPort}/lib/app:moving");
        Sha256Digest.Of(raw).Should().Be(members.MovingSecond.ManifestDigest, "first-healthy: the first member is down, the second's tag answers");
        await CopyAndCheckAsync($"{_collage.HostPort}/lib/app:moving", members.MovingSecond, "moving-second");
    }

    // The fixture's pushes are in the access log too.
    private static bool IsRead(AccessLogEntry entry) => entry.Method is "GET" or "HEAD";

    private async Task CopyAndCheckAsync(string reference, ImageRef image, string name)
    {
        var target = _work.Combine(name);
        await members.Skopeo.CopyAsync($"docker://{reference}", $"dir:{target}");
        Sha256Digest.Of(await File.ReadAllBytesAsync(Path.Combine(target, "manifest.json"))).Should().Be(image.ManifestDigest);
        foreach (var blob in image.BlobDigests)
        {
            Sha256Digest.Of(await File.ReadAllBytesAsync(Path.Combine(target, Sha256Digest.Hex(blob)))).Should().Be(blob);
        }
    }
}
