using System.Diagnostics;
using System.Net;
using Collage.Tests.EndToEnd.Infrastructure;
using Xunit.Abstractions;

namespace Collage.Tests.EndToEnd.Groups;

/// <summary>
/// A member that accepts connections and never answers (an in-process fake), first in a group whose second member is
/// a real distribution registry, with a short response-header timeout: the first request pays that timeout once and
/// is answered by the second member; the breaker opens, so the requests that follow never reach the hanging member;
/// after the break duration one probe request (and only one, even with several requests at once) tries it again.
/// Every "no request" claim is counted at the fake.
/// </summary>
[Collection(GroupMembersCollection.Name)]
public sealed class GroupHangingMemberTests(GroupMembersFixture members, ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly TimeSpan HeaderTimeout = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan BreakDuration = TimeSpan.FromSeconds(8);

    // Between rounds of requests while waiting for the probe (a pace, not a signal: the signal is the fake's counter).
    private static readonly TimeSpan RoundPause = TimeSpan.FromMilliseconds(100);

    // How much earlier than the breaker's own clock a round may have been sent and still carry the probe.
    private static readonly TimeSpan ProbeSlack = TimeSpan.FromSeconds(1);

    private readonly TempDirectory _work = TempDirectory.Create("group-hanging");
    private HangingMember _hanging = null!;
    private GroupGateway _collage = null!;

    public async Task InitializeAsync()
    {
        await members.EnsureRunningAsync();
        _hanging = await HangingMember.StartAsync();
        _collage = await GroupGateway.StartAsync(new
        {
            mappings = new Dictionary<string, object>
            {
                ["slow"] = new[] { $"http://{_hanging.Authority}/team", $"http://{members.Second.HostPort}/team" },
            },
            http = new { responseHeaderTimeout = HeaderTimeout.ToString("c"), breakDuration = BreakDuration.ToString("c") },
        });
    }

    public async Task DisposeAsync()
    {
        output.WriteLine(_collage.LogText);
        await _collage.DisposeAsync();
        await _hanging.DisposeAsync();
        _work.Dispose();
    }

    [Fact]
    public async Task Pull_FirstMemberHangs_FirstRequestPaysTheHeaderTimeoutNextSkipItThenOneProbe()
    {
        var sinceFirst = Stopwatch.StartNew();
        var first = await _collage.GetAsync("/v2/slow/app/manifests/v1");
        output.WriteLine($"first request: {first.Elapsed.TotalSeconds:F2} s");
        first.Status.Should().Be(HttpStatusCode.OK, first.Body);
        first.Digest.Should().Be(members.Shared.ManifestDigest, "the second member answered");
        first.Elapsed.Should().BeGreaterThanOrEqualTo(HeaderTimeout, "the hanging member was given the response-header timeout")
            .And.BeLessThan(TimeSpan.FromSeconds(30), "and not the 100 s activity timeout");
        _hanging.Requests.Should().ContainSingle().Which.Path.Should().Be("/v2/team/app/manifests/v1");
        _collage.LogText.Should().Contain($"Group member {_hanging.Authority} failed (no response headers within the response-header timeout)");
        (await _collage.BreakerStateAsync(_hanging.Authority)).Should().Be(1, "the breaker is open");
        (await _collage.ReadyzBreakerAsync(_hanging.Authority)).Should().Be("open", "/readyz lists the member's breaker");

        // A whole pull by tag and one by digest while the breaker is open: not one request reaches the hanging member.
        await CopyAndCheckAsync($"{_collage.HostPort}/slow/app:v1", "open-tag");
        await CopyAndCheckAsync($"{_collage.HostPort}/slow/app@{members.Shared.ManifestDigest}", "open-digest");
        var next = await _collage.GetAsync("/v2/slow/app/manifests/v1");
        output.WriteLine($"a request with the breaker open: {next.Elapsed.TotalMilliseconds:F0} ms");
        next.Status.Should().Be(HttpStatusCode.OK);
        sinceFirst.Elapsed.Should().BeLessThan(HeaderTimeout + BreakDuration, "the pulls above ran while the breaker was open (else the test proves nothing)");
        _hanging.Requests.Should().HaveCount(1, "an open breaker skips its member without a request");

        // After the break duration: three requests at a time until one reaches the member; exactly one does. The
        // breaker opened no earlier than HeaderTimeout after the first request was sent.
        var rounds = 0;
        var roundStart = TimeSpan.Zero;
        while (_hanging.Requests.Count == 1)
        {
            sinceFirst.Elapsed.Should().BeLessThan(HeaderTimeout + (BreakDuration * 3), "the breaker lets a probe through once the break duration is over");
            await Task.Delay(RoundPause);
            roundStart = sinceFirst.Elapsed;
            var round = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => _collage.GetAsync($"/v2/slow/app/manifests/{members.Shared.ManifestDigest}")));
            round.Should().AllSatisfy(a => a.Status.Should().Be(HttpStatusCode.OK, "the second member answers whatever the breaker does: {0}", a.Body));
            rounds++;
        }

        output.WriteLine($"probed by the round sent {roundStart.TotalSeconds:F2} s after the first request, the {rounds}th round");
        roundStart.Should().BeGreaterThanOrEqualTo(HeaderTimeout + BreakDuration - ProbeSlack, "no probe before the break duration is over");
        _hanging.Requests.Should().HaveCount(2, "half-open lets one probe request through, the others of its round skip the member");
        _hanging.Requests[1].Path.Should().Be($"/v2/team/app/manifests/{members.Shared.ManifestDigest}");
        _collage.LogText.Should().Contain($"Group member {_hanging.Authority}: one probe request may try it again");

        // The probe got no answer either: the breaker is open again, and the next pull skips the member.
        (await _collage.BreakerStateAsync(_hanging.Authority)).Should().Be(1, "a failed probe opens the breaker again");
        await CopyAndCheckAsync($"{_collage.HostPort}/slow/app:v1", "reopened");
        _hanging.Requests.Should().HaveCount(2, "the breaker opened again after the failed probe");
    }

    private async Task CopyAndCheckAsync(string reference, string name)
    {
        var target = _work.Combine(name);
        await members.Skopeo.CopyAsync($"docker://{reference}", $"dir:{target}");
        Sha256Digest.Of(await File.ReadAllBytesAsync(Path.Combine(target, "manifest.json"))).Should().Be(members.Shared.ManifestDigest);
        foreach (var blob in members.Shared.BlobDigests)
        {
            Sha256Digest.Of(await File.ReadAllBytesAsync(Path.Combine(target, Sha256Digest.Hex(blob)))).Should().Be(blob);
        }
    }
}
