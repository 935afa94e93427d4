using Collage.Tests.EndToEnd.Infrastructure;
using Collage.Tests.Functional.Infrastructure;

namespace Collage.Tests.EndToEnd.Ui;

/// <summary>
/// Collage on real Kestrel in front of the real registry A of <see cref="RealRegistriesFixture"/>, its web page on
/// (the default), and one headless Chromium looking at it. Mounts: <c>team</c> (A's team), <c>lib</c> (A's library),
/// <c>many</c> (A's tags: <c>many/many</c> has 150 tags) and <c>dead</c>, an upstream on a loopback port nothing listens on.
/// </summary>
public sealed class UiFixture : IAsyncLifetime
{
    private CollageServer? _collage;
    private ChromeBrowser? _browser;

    /// <summary>Created by xunit with the collection's registries.</summary>
    public UiFixture(RealRegistriesFixture registries)
    {
        Registries = registries;
        DeadPort = FreePort.Next();
        Mappings = new Dictionary<string, string>
        {
            ["team"] = $"http://{registries.RegistryA.HostPort}/team",
            ["lib"] = $"http://{registries.RegistryA.HostPort}/library",
            ["many"] = $"http://{registries.RegistryA.HostPort}/tags",
            ["dead"] = $"http://127.0.0.1:{DeadPort}/x",
        };
    }

    /// <summary>The registries behind Collage.</summary>
    internal RealRegistriesFixture Registries { get; }

    /// <summary>The port the <c>dead</c> mount's upstream is on, where nothing listens.</summary>
    internal int DeadPort { get; }

    /// <summary>Collage's <c>mappings</c>: local prefix -> upstream URL.</summary>
    internal IReadOnlyDictionary<string, string> Mappings { get; }

    /// <summary>The gateway.</summary>
    internal CollageServer Collage => _collage ?? throw new InvalidOperationException("not started");

    /// <summary>The browser, shared by the tests of the class, one at a time.</summary>
    internal ChromeBrowser Browser => _browser ?? throw new InvalidOperationException("not started");

    /// <summary><c>127.0.0.1:port</c>: Collage's registry name.</summary>
    internal string HostPort => $"127.0.0.1:{Collage.BaseUri.Port}";

    /// <summary>Registry A's <c>/v2/...</c> answers, to compare the page with.</summary>
    internal UpstreamTruth Upstream { get; private set; } = null!;

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        // Make sure the dead port is still dead: FreePort released it, and something could have taken it since.
        if (await FreePort.AcceptsAsync(DeadPort))
        {
            throw new InvalidOperationException($"port {DeadPort} was meant to have no listener");
        }

        // Probes on, so the mounts page has health to show (the dead mount down, the others up).
        _collage = await CollageServer.StartAsync(new
        {
            mappings = Mappings,
            health = new { probeUpstreams = true, probeInterval = "00:00:01", probeTimeout = "00:00:02" },
        });
        Upstream = new UpstreamTruth(Registries.RegistryA);
        _browser = await Task.Run(ChromeBrowser.Start);
    }

    /// <summary>The URL of the page at <paramref name="pathAndQuery"/> (e.g. <c>ui/tag?name=team/app&amp;tag=v1</c>).</summary>
    internal Uri Page(string pathAndQuery) => new(Collage.BaseUri, pathAndQuery);

    /// <summary>Opens the page at <paramref name="pathAndQuery"/> in the browser and waits for it to load.</summary>
    internal void Open(string pathAndQuery) => Browser.Open(Page(pathAndQuery));

    /// <summary>
    /// The console messages since the last read that report a Content-Security-Policy violation (Chromium logs
    /// "Refused to load ... because it violates the following Content Security Policy directive").
    /// </summary>
    internal IReadOnlyList<string> CspViolations() =>
        [.. Browser.TakeConsoleLog().Select(e => e.Message).Where(m => m.Contains("Content Security Policy", StringComparison.OrdinalIgnoreCase) || m.Contains("Refused to", StringComparison.Ordinal))];

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        try
        {
            _browser?.Dispose();
            Upstream?.Dispose();
        }
        finally
        {
            if (_collage is not null)
            {
                await _collage.DisposeAsync();
            }
        }
    }
}
