using System.Net;
using Collage.Tests.Functional.Authentication;
using Collage.Tests.Functional.Infrastructure;
using Microsoft.AspNetCore.Http;

namespace Collage.Tests.Functional.Observability;

public sealed class UpstreamCounterTests
{
    [Fact]
    public async Task TokenDance_CountsOneFetchThenCacheHits_ForThatUpstream()
    {
        await using var tokens = await FakeTokenServer.StartAsync();
        await using var upstream = await FakeRegistry.StartAsync(tokens);
        upstream.Challenge = () => upstream.DefaultChallenge("repository:flavio/guestbook:pull");
        await using var collage = await CollageServer.StartAsync(new { mappings = new Dictionary<string, string> { ["cool/stuff"] = $"http://{upstream.BaseUri.Authority}/flavio" } });
        using var recorder = new MeasurementRecorder(collage.Services);

        for (var i = 0; i < 3; i++)
        {
            using var response = await collage.Client.GetAsync("/v2/cool/stuff/guestbook/manifests/v1");
            response.StatusCode.Should().Be(HttpStatusCode.OK);
        }

        var fetches = recorder.Measurements.Where(m => m.Instrument == "collage.token.fetches").ToArray();
        fetches.Should().ContainSingle().Which.Tags.Should().Contain("upstream", upstream.BaseUri.Authority).And.Contain("outcome", "success");
        recorder.Measurements.Where(m => m.Instrument == "collage.token.cache_hits").Should().HaveCount(2)
            .And.OnlyContain(m => Equals(m.Tags["upstream"], upstream.BaseUri.Authority));
        recorder.Measurements.Should().Contain(m => m.Instrument == "collage.upstream.duration" && Equals(m.Tags["kind"], "token"));
        recorder.Sum("collage.redirects.followed").Should().Be(0);
    }

    [Fact]
    public async Task TokenServerRefusing_CountsAFailedFetchAndNoCacheHit()
    {
        await using var tokens = await FakeTokenServer.StartAsync();
        tokens.Respond = (context, _) =>
        {
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            return Task.CompletedTask;
        };
        await using var upstream = await FakeRegistry.StartAsync(tokens);
        await using var collage = await CollageServer.StartAsync(new { mappings = new Dictionary<string, string> { ["hub"] = $"http://{upstream.BaseUri.Authority}" } });
        using var recorder = new MeasurementRecorder(collage.Services);

        using var response = await collage.Client.GetAsync("/v2/hub/library/alpine/manifests/latest");

        response.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        recorder.Measurements.Where(m => m.Instrument == "collage.token.fetches").Should().ContainSingle()
            .Which.Tags.Should().Contain("outcome", "failure");
        recorder.Sum("collage.token.cache_hits").Should().Be(0);
    }

    [Fact]
    public async Task BlobRedirectedToCdn_CountsOneCrossOriginRedirect()
    {
        await using var registry = await ObservedRegistry.StartAsync();
        await using var collage = await CollageServer.StartAsync(registry.Config());
        using var recorder = new MeasurementRecorder(collage.Services);

        using (var blob = await collage.Client.GetAsync($"/v2/apps/web/blobs/{ObservedRegistry.Digest}"))
        {
            blob.StatusCode.Should().Be(HttpStatusCode.OK);
        }

        using (var manifest = await collage.Client.GetAsync("/v2/apps/web/manifests/v1"))
        {
            manifest.StatusCode.Should().Be(HttpStatusCode.OK);
        }

        var redirects = recorder.Measurements.Where(m => m.Instrument == "collage.redirects.followed").ToArray();
        redirects.Should().ContainSingle();
        redirects[0].Tags.Should().Contain("upstream", registry.Upstream.Authority).And.Contain("cross_origin", "true");
        recorder.Measurements.Where(m => m.Instrument == "collage.upstream.duration").Select(m => (m.Tags["kind"], m.Tags["status"]))
            .Should().BeEquivalentTo(new[] { ((object?)"blob", (object?)200), ("manifest", 200) });
        recorder.Sum("collage.token.fetches").Should().Be(0);
        recorder.Measurements.SelectMany(m => m.Tags.Values).OfType<string>().Should().NotContain(v => v.Contains(registry.Cdn.Authority, StringComparison.Ordinal));
    }
}
