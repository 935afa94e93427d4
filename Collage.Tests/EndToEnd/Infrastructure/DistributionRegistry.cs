using System.Diagnostics;
using System.Net.Http.Headers;

namespace Collage.Tests.EndToEnd.Infrastructure;

/// <summary>
/// A real distribution registry (<c>docker-registry serve config.yml</c>, the Debian package of distribution 2.8)
/// listening on 127.0.0.1 at a free port, storing in a temp folder. Dispose kills it and deletes its folders.
/// </summary>
internal sealed class DistributionRegistry : IAsyncDisposable
{
    private const string Binary = "docker-registry";
    private const int MaxStartAttempts = 3;
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(50);

    private readonly TempDirectory _home;
    private readonly TempDirectory? _ownedStorage;
    private readonly BackgroundProcess _process;

    private DistributionRegistry(DistributionRegistryOptions options, TempDirectory home, TempDirectory? ownedStorage, string storageRoot, int port, BackgroundProcess process)
    {
        Options = options;
        _home = home;
        _ownedStorage = ownedStorage;
        StorageRoot = storageRoot;
        Port = port;
        _process = process;
    }

    /// <summary>The options it was started with.</summary>
    public DistributionRegistryOptions Options { get; }

    /// <summary>The port on 127.0.0.1.</summary>
    public int Port { get; }

    /// <summary><c>127.0.0.1:PORT</c>, as it appears in image references.</summary>
    public string HostPort => $"127.0.0.1:{Port}";

    /// <summary><c>http://127.0.0.1:PORT/</c>.</summary>
    public Uri BaseUri => new($"http://{HostPort}/");

    /// <summary>The storage root; blobs live under <c>docker/registry/v2/blobs/sha256/xx/HEX/data</c>.</summary>
    public string StorageRoot { get; }

    /// <summary>The access log so far (combined log format; distribution writes it to standard output).</summary>
    public string AccessLogText => _process.StandardOutput;

    /// <summary>The application log so far (logrus lines with http.request.method etc.; standard error).</summary>
    public string ApplicationLogText => _process.StandardError;

    /// <summary>Both logs, labelled, for failure messages.</summary>
    public string LogText => _process.DescribeOutput();

    /// <summary>The access log so far, parsed.</summary>
    public IReadOnlyList<AccessLogEntry> AccessLog => AccessLogEntry.ParseAll(AccessLogText);

    /// <summary>
    /// Makes the access log complete up to now: the registry writes a line after each response, through a pipe, so a
    /// line can trail the response a client already holds. This sends a marked <c>GET /v2/</c> and waits (bounded)
    /// until its line arrives, then returns the log. Use it before asserting that something did NOT reach the registry.
    /// </summary>
    public async Task<IReadOnlyList<AccessLogEntry>> AccessLogBarrierAsync(CancellationToken cancellationToken = default)
    {
        var marker = $"/v2/?collage-e2e-barrier={Guid.NewGuid():N}";
        using (var client = new HttpClient { Timeout = TimeSpan.FromSeconds(10) })
        {
            using var response = await client.GetAsync(new Uri(BaseUri, marker), cancellationToken);
        }

        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(10))
        {
            var log = AccessLog;
            if (log.Any(e => e.Target == marker))
            {
                return [.. log.Where(e => !e.Target.StartsWith("/v2/?collage-e2e-barrier=", StringComparison.Ordinal))];
            }

            await Task.Delay(PollInterval, cancellationToken);
        }

        throw new TimeoutException($"The access log line for {marker} did not arrive within 10 s.{Environment.NewLine}{LogText}");
    }

    /// <summary>Starts a registry and waits until <c>GET /v2/</c> answers.</summary>
    public static async Task<DistributionRegistry> StartAsync(DistributionRegistryOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new DistributionRegistryOptions();
        var home = TempDirectory.Create(options.Name);
        TempDirectory? ownedStorage = null;
        try
        {
            string storageRoot;
            if (options.StorageRoot is null)
            {
                ownedStorage = TempDirectory.Create(options.Name + "-storage");
                storageRoot = ownedStorage.Path;
            }
            else
            {
                storageRoot = options.StorageRoot;
                Directory.CreateDirectory(storageRoot);
            }

            string? htpasswdPath = null;
            if (options.BasicAuth is { } credentials)
            {
                htpasswdPath = home.Combine("htpasswd");
                await WriteHtpasswdAsync(htpasswdPath, credentials, cancellationToken);
            }

            for (var attempt = 1; ; attempt++)
            {
                var port = FreePort.Next();
                var configPath = home.Combine("config.yml");
                await File.WriteAllTextAsync(configPath, DistributionRegistryConfig.Render(options, storageRoot, port, htpasswdPath), cancellationToken);
                var process = BackgroundProcess.Start(Binary, ["serve", configPath], home.Path);
                var registry = new DistributionRegistry(options, home, ownedStorage, storageRoot, port, process);
                try
                {
                    await registry.WaitUntilReadyAsync(cancellationToken);
                    return registry;
                }
                catch (RegistryExitedException) when (attempt < MaxStartAttempts && process.StandardError.Contains("address already in use", StringComparison.Ordinal))
                {
                    // Another process took the free port between FreePort.Next and bind: try another one.
                    process.Dispose();
                }
                catch
                {
                    process.Dispose();
                    throw;
                }
            }
        }
        catch
        {
            ownedStorage?.Dispose();
            home.Dispose();
            throw;
        }
    }

    /// <summary>An HttpClient for this registry: base address set, redirects not followed, Basic auth sent if configured.</summary>
    public HttpClient CreateHttpClient()
    {
        var client = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false })
        {
            BaseAddress = BaseUri,
            Timeout = TimeSpan.FromSeconds(30),
        };
        if (Options.BasicAuth is { } credentials)
        {
            client.DefaultRequestHeaders.Authorization = AuthenticationHeaderValue.Parse(credentials.HeaderValue);
        }

        return client;
    }

    /// <summary>
    /// A skopeo reference to an image here: <c>docker://127.0.0.1:PORT/REPO:TAG</c>, or <c>@DIGEST</c> when
    /// <paramref name="tagOrDigest"/> is a digest.
    /// </summary>
    public string DockerReference(string repository, string? tagOrDigest = null)
        => tagOrDigest switch
        {
            null => $"docker://{HostPort}/{repository}",
            _ when tagOrDigest.Contains(':', StringComparison.Ordinal) => $"docker://{HostPort}/{repository}@{tagOrDigest}",
            _ => $"docker://{HostPort}/{repository}:{tagOrDigest}",
        };

    /// <summary>The path of a blob's data file in the storage root.</summary>
    public string BlobDataPath(string digest)
    {
        var hex = Sha256Digest.Hex(digest);
        return Path.Combine(StorageRoot, "docker", "registry", "v2", "blobs", "sha256", hex[..2], hex, "data");
    }

    /// <summary>Kills the registry and deletes its folders.</summary>
    public ValueTask DisposeAsync()
    {
        _process.Dispose();
        _ownedStorage?.Dispose();
        _home.Dispose();
        return ValueTask.CompletedTask;
    }

    private static async Task WriteHtpasswdAsync(string path, BasicAuthCredentials credentials, CancellationToken cancellationToken)
    {
        // The registry only accepts bcrypt entries (-B).
        var result = await ProcessRunner.RunAsync(
            "htpasswd",
            ["-Bbn", credentials.Username, credentials.Password],
            TimeSpan.FromSeconds(30),
            cancellationToken: cancellationToken);
        await File.WriteAllTextAsync(path, result.EnsureSuccess().StandardOutput.Trim() + "\n", cancellationToken);
    }

    private async Task WaitUntilReadyAsync(CancellationToken cancellationToken)
    {
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = Stopwatch.StartNew();
        var probe = new Uri(BaseUri, "v2/");
        while (deadline.Elapsed < Options.StartTimeout)
        {
            if (_process.HasExited)
            {
                await _process.WaitForExitAsync(TimeSpan.FromSeconds(5));
                throw new RegistryExitedException($"The registry exited during start-up.{Environment.NewLine}{LogText}");
            }

            try
            {
                using var response = await client.GetAsync(probe, cancellationToken);

                // 200, or 401 when auth is on: either way the registry is serving.
                return;
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                // Probe timed out.
            }

            await Task.Delay(PollInterval, cancellationToken);
        }

        throw new TimeoutException($"GET {probe} did not answer within {Options.StartTimeout.TotalSeconds:F0} s.{Environment.NewLine}{LogText}");
    }
}
