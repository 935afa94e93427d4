using Collage.Proxy.Health;
using Collage.Tests.Functional.Access;
using Collage.Tests.Functional.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Collage.Tests.Functional.Ui;

/// <summary>The mounts page's health column, from the upstream probes' last round.</summary>
public sealed class UiHealthTests
{
    [Fact]
    public async Task MountsPage_Probes_LiveUpDeadDownGroupUpWhileAMemberIs()
    {
        await using var upstream = await AccessUpstream.StartAsync();
        var dead = $"127.0.0.1:{EndToEnd.Infrastructure.FreePort.Next()}";
        await using var collage = await CollageServer.StartAsync(new
        {
            mappings = new Dictionary<string, object>
            {
                ["live"] = $"http://{upstream.Authority}/up",
                ["dead"] = $"http://{dead}/gone",
                ["group"] = new[] { $"http://{dead}/gone", $"http://{upstream.Authority}/up" },
            },
            health = new { probeUpstreams = true, probeInterval = "00:00:01", probeTimeout = "00:00:02" },
        });

        // The first probe round is the signal: before it, every mount is unknown.
        var results = collage.Services.GetRequiredService<UpstreamHealth>();
        await Observability.Eventually.GetAsync(() => Task.FromResult(results.Last), last => last is not null, TimeSpan.FromSeconds(20));

        results.Last.Should().NotBeNull("a probe round completes within 20 s");
        var html = await collage.Client.GetStringAsync("/ui/");

        html.Should().MatchRegex("data-prefix=\"live\">.*?<td class=\"health\" data-health=\"up\">");
        html.Should().MatchRegex("data-prefix=\"dead\">.*?<td class=\"health\" data-health=\"down\">");
        html.Should().MatchRegex("data-prefix=\"group\">.*?<span class=\"member\" data-health=\"down\">[^<]+</span><span class=\"member\" data-health=\"up\">.*?<td class=\"health\" data-health=\"up\">");
    }
}
