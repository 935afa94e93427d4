using Collage.Tests.Functional.Observability;
using Collage.Tests.Functional.ScaleOut;

namespace Collage.Tests.Deployment;

/// <summary>
/// One <see cref="MetricsRig"/> (with its own s3rver and redis-server) for the tests of a class, scraped once every
/// metric the dashboard and the rules query has appeared, or after a deadline (the assertion then names what is missing).
/// </summary>
public sealed class MetricsRigFixture : IAsyncLifetime
{
    // Wide: the rig records as its requests end, but a slow CI machine may take a moment to count the last ones.
    private static readonly TimeSpan ScrapeDeadline = TimeSpan.FromSeconds(30);
    private readonly SharedStoresFixture _stores = new();
    private MetricsRig? _rig;

    /// <summary>Every gateway's <c>/metrics</c> text.</summary>
    internal string Exposition { get; private set; } = string.Empty;

    /// <inheritdoc/>
    public async Task InitializeAsync()
    {
        await _stores.InitializeAsync();
        _rig = await MetricsRig.StartAsync(_stores);
        var queried = ObservabilityFiles.Expressions().SelectMany(e => PromQlMetricNames.Of(e.Expression)).Distinct().ToArray();
        Exposition = await Eventually.GetAsync(_rig.ScrapeAsync, text => ExportedMetrics.Missing(text, queried).Count == 0, ScrapeDeadline);
    }

    /// <inheritdoc/>
    public async Task DisposeAsync()
    {
        if (_rig is not null)
        {
            await _rig.DisposeAsync();
        }

        await _stores.DisposeAsync();
    }
}
