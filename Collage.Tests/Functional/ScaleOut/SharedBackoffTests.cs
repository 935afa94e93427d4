using System.Diagnostics;
using System.Net;
using Collage.Tests.Functional.Caching;

namespace Collage.Tests.Functional.ScaleOut;

/// <summary>
/// The 429 back-off shared through Redis: once one replica got a 429 from an upstream, the others leave it alone too,
/// after at most the background look-up's slip (one request per second per replica).
/// </summary>
public sealed class SharedBackoffTests(SharedStoresFixture stores) : IClassFixture<SharedStoresFixture>
{
    private const int MaxPolls = 50;
    private static readonly TimeSpan PollFor = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Request_AfterAnotherReplicaGot429_ThisReplicaAnswers429ItselfAfterAFewRequests()
    {
        await using var fleet = await SharedFleet.StartAsync(stores);
        var a = await fleet.StartReplicaAsync();
        var b = await fleet.StartReplicaAsync();
        fleet.Upstream.Fault = UpstreamFault.TooManyRequests;
        fleet.Upstream.RetryAfterSeconds = 30;
        using (var limited = await a.Client.GetAsync("/v2/a/web/manifests/first"))
        {
            limited.StatusCode.Should().Be(HttpStatusCode.TooManyRequests);
        }

        // From now on the upstream answers normally: a 429 B answers can only come from the fleet's back-off, never
        // from a 429 of its own.
        fleet.Upstream.Fault = UpstreamFault.None;
        var before = fleet.Upstream.Requests.Count;
        HttpResponseMessage? refused = null;
        var clock = Stopwatch.StartNew();
        for (var poll = 0; poll < MaxPolls && clock.Elapsed < PollFor && refused is null; poll++)
        {
            // A new tag each time, so nothing is answered from B's cache: every request would go upstream.
            var response = await b.Client.GetAsync($"/v2/a/web/manifests/t{poll}");
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                refused = response;
                break;
            }

            response.Dispose();

            // A poll interval between requests, not a signal: the look-up runs in B's background at most once a second.
            await Task.Delay(200);
        }

        refused.Should().NotBeNull("B should have taken up A's back-off from Redis within {0}", PollFor);
        using (refused)
        {
            (await refused!.Content.ReadAsStringAsync()).Should().Contain("TOOMANYREQUESTS");
            refused.Headers.RetryAfter!.Delta.Should().BePositive().And.BeLessThanOrEqualTo(TimeSpan.FromSeconds(30));
        }

        var fromB = fleet.Upstream.Requests.Skip(before).Count();
        fromB.Should().BeLessThanOrEqualTo(3, "B's first look-up runs in the background, so a request or two slips through before it answers");

        // And it stays that way: B sends the upstream nothing more.
        using (var again = await b.Client.GetAsync("/v2/a/web/manifests/later"))
        {
            again.StatusCode.Should().Be(HttpStatusCode.TooManyRequests);
        }

        fleet.Upstream.Requests.Skip(before).Count().Should().Be(fromB);
    }
}
