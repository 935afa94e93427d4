using System.Diagnostics;
using Collage.Proxy.Ui;
using Collage.Transforms.Diagnostics;
using Microsoft.Extensions.DependencyInjection;

namespace Collage.Tests.Ui;

public sealed class MountTrafficTests
{
    [Fact]
    public void Of_RecordedRequests_SummedPerVhostAndMount()
    {
        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var metrics = new CollageMetrics(services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>());
        using var traffic = new MountTraffic(metrics);

        Record(metrics, "global", "team", 100);
        Record(metrics, "global", "team", 50);
        Record(metrics, "mirror.lan", "team", 7);
        metrics.RecordRequest(new TagList { { MetricTags.Vhost, "global" }, { MetricTags.Kind, "base" } }, 12);

        traffic.Of("global", "team").Should().Be((2L, 150L));
        traffic.Of("mirror.lan", "team").Should().Be((1L, 7L));
        traffic.Of("global", "other").Should().Be((0L, 0L));
    }

    [Fact]
    public void Of_AnotherHostsMeter_NotCounted()
    {
        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        using var others = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var metrics = new CollageMetrics(services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>());
        var other = new CollageMetrics(others.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>());
        using var traffic = new MountTraffic(metrics);

        Record(other, "global", "team", 100);

        traffic.Of("global", "team").Should().Be((0L, 0L));
    }

    private static void Record(CollageMetrics metrics, string vhost, string mount, long bytes) =>
        metrics.RecordRequest(new TagList { { MetricTags.Vhost, vhost }, { MetricTags.Kind, "blob" }, { MetricTags.Mount, mount }, { MetricTags.Upstream, "u" } }, bytes);
}
