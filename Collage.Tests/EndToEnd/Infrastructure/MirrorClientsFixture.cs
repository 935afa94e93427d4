using Collage.Tests.Functional.Infrastructure;

namespace Collage.Tests.EndToEnd.Infrastructure;

/// <summary>
/// The seed's "Enter docker mirroring" set-up with real clients: a real distribution registry standing for
/// <c>registry.local.lan</c> holds <c>kubic/v3/velum:2.0</c> and <c>library/alpine:latest</c>; Collage serves them
/// as mirror of <c>registry.production.lan</c> (<c>caasp</c> is <c>kubic/v3</c>) and of Docker Hub; a private
/// containerd daemon is ready for <c>ctr</c>. No DNS name appears anywhere but in client configuration, where
/// it is rewritten before any lookup.
/// </summary>
public sealed class MirrorClientsFixture : IAsyncLifetime
{
    private readonly List<IAsyncDisposable> _disposables = [];
    private TempDirectory? _layoutDirectory;

    /// <summary>The registry behind Collage (the seed's <c>registry.local.lan</c>).</summary>
    internal DistributionRegistry Registry { get; private set; } = null!;

    /// <summary>
    /// The gateway, on 127.0.0.1, with vhosts only (the global map is empty, so a request that reaches no vhost is
    /// unknown): <c>localhost</c> and <c>registry.production.lan</c> mount <c>caasp</c> from <c>kubic/v3</c>,
    /// <c>registry-1.docker.io</c> mounts the whole registry. Debug logs on, to see ns being resolved.
    /// </summary>
    internal CollageServer Collage { get; private set; } = null!;

    /// <summary>A private containerd.</summary>
    internal ContainerdDaemon Containerd { get; private set; } = null!;

    /// <summary><c>kubic/v3/velum:2.0</c>: two layers.</summary>
    internal ImageRef Velum { get; private set; } = null!;

    /// <summary><c>library/alpine:latest</c>: one layer.</summary>
    internal ImageRef Alpine { get; private set; } = null!;

    /// <summary>Collage's port.</summary>
    internal int Port => Collage.BaseUri.Port;

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        try
        {
            _layoutDirectory = TempDirectory.Create("mirror-layout");
            var layout = new OciImageLayout(_layoutDirectory.Path);
            Velum = layout.AddImage("velum", [300_000, 100_000]);
            Alpine = layout.AddImage("alpine", [50_000]);

            Containerd = Track(await ContainerdDaemon.StartAsync());
            Registry = Track(await DistributionRegistry.StartAsync(new DistributionRegistryOptions { Name = "registry-local" }));
            using (var skopeo = new Skopeo())
            {
                await skopeo.CopyAsync(layout.Reference("velum"), Registry.DockerReference("kubic/v3/velum", "2.0"));
                await skopeo.CopyAsync(layout.Reference("alpine"), Registry.DockerReference("library/alpine", "latest"));
            }

            var upstream = $"http://{Registry.HostPort}";
            Collage = Track(await CollageServer.StartAsync(
                new
                {
                    mappings = new Dictionary<string, string>(),
                    vhosts = new Dictionary<string, object>
                    {
                        ["localhost"] = new { mappings = new Dictionary<string, string> { ["caasp"] = $"{upstream}/kubic/v3" } },
                        ["registry.production.lan"] = new { mappings = new Dictionary<string, string> { ["caasp"] = $"{upstream}/kubic/v3" } },
                        ["registry-1.docker.io"] = new { mappings = new Dictionary<string, string> { ["/"] = upstream } },
                    },
                },
                extraArgs: ["--Logging:LogLevel:Collage=Debug"]));
        }
        catch
        {
            await DisposeAsync();
            throw;
        }
    }

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        IAsyncDisposable[] disposables;
        lock (_disposables)
        {
            disposables = [.. _disposables];
            _disposables.Clear();
        }

        var errors = new List<Exception>();
        foreach (var disposable in disposables.Reverse())
        {
            try
            {
                await disposable.DisposeAsync();
            }
            catch (Exception ex)
            {
                errors.Add(ex);
            }
        }

        _layoutDirectory?.Dispose();
        if (errors.Count > 0)
        {
            throw new AggregateException(errors);
        }
    }

    private T Track<T>(T disposable)
        where T : IAsyncDisposable
    {
        lock (_disposables)
        {
            _disposables.Add(disposable);
        }

        return disposable;
    }
}
