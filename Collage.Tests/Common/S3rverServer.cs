using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Collage.Tests.Deployment;
using Collage.Tests.EndToEnd.Infrastructure;
using Collage.Transforms.Configuration;

namespace Collage.Tests.Common;

/// <summary>
/// A real S3-compatible server for tests: <c>@20minutes/s3rver</c> 4.0.4 under node, from the npm folder
/// <c>Collage.Tests/S3rver</c> (<c>scripts/test</c> runs <c>npm ci</c> there) by its <c>start.js</c> (which fixes
/// s3rver's SigV4 check of bucket-level requests, see there), on 127.0.0.1 and a free port, with the
/// bucket <see cref="Bucket"/>. It checks SigV4 signatures against its one account, <c>S3RVER</c>/<c>S3RVER</c>.
/// Objects land as plain files under <see cref="Directory"/> (<c>collage/&lt;key&gt;._S3rver_object</c>). Can be stopped and started again on the same port and
/// folder, for outage tests.
/// </summary>
internal sealed class S3rverServer : IAsyncDisposable
{
    /// <summary>The bucket s3rver creates at start.</summary>
    public const string Bucket = "collage";

    /// <summary>The access key id (and secret) of s3rver's only account.</summary>
    public const string AccessKey = "S3RVER";

    private const string ReadyLine = "s3rver-ready";
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(60);
    private readonly TempDirectory _directory;
    private BackgroundProcess? _process;

    private S3rverServer(TempDirectory directory, int port)
    {
        _directory = directory;
        Port = port;
        SecretKeyFile = directory.Combine("secret-key");
        File.WriteAllText(SecretKeyFile, AccessKey + "\n");
    }

    /// <summary>The port it listens on, the same after <see cref="StartAgainAsync"/>.</summary>
    public int Port { get; private set; }

    /// <summary>Its service URL, e.g. <c>http://127.0.0.1:41234/</c>.</summary>
    public Uri Endpoint => new($"http://127.0.0.1:{Port}/");

    /// <summary>The folder its buckets and objects are files in.</summary>
    public string Directory => _directory.Combine("data");

    /// <summary>A file holding the secret key (with a trailing newline, as a mounted secret often has).</summary>
    public string SecretKeyFile { get; }

    /// <summary>Starts s3rver on a free port; retries on a port taken in between.</summary>
    public static async Task<S3rverServer> StartAsync()
    {
        var server = new S3rverServer(TempDirectory.Create("s3rver"), 0);
        System.IO.Directory.CreateDirectory(server.Directory);
        for (var attempt = 1; ; attempt++)
        {
            server.Port = FreePort.Next();
            try
            {
                await server.StartAgainAsync();
                return server;
            }
            catch (InvalidOperationException) when (attempt < 3)
            {
                // EADDRINUSE: another test took the port between FreePort and node's listen.
            }
        }
    }

    /// <summary>The options of a store on this server that work with it: path-style, signed payloads, checksums when required.</summary>
    public S3StoreOptions Options(string prefix = "") => new()
    {
        Bucket = Bucket,
        Prefix = prefix,
        Endpoint = Endpoint,
        PathStyle = true,
        AccessKeyId = AccessKey,
        SecretAccessKeyFile = SecretKeyFile,
        DisablePayloadSigning = true,
        ChecksumsWhenRequired = true,
        RequestTimeout = TimeSpan.FromSeconds(30),
    };

    /// <summary>Kills the server (an outage); its files stay.</summary>
    public Task StopAsync()
    {
        _process?.Dispose();
        _process = null;
        return Task.CompletedTask;
    }

    /// <summary>Starts the server (again) on the same port and folder; ready when a TCP connect succeeds.</summary>
    public async Task StartAgainAsync()
    {
        await StopAsync();
        var folder = RepositoryFiles.PathOf("Collage.Tests", "S3rver");
        if (!System.IO.Directory.Exists(Path.Combine(folder, "node_modules", "@20minutes", "s3rver")))
        {
            throw new InvalidOperationException($"s3rver is not installed: run 'npm ci --prefix {folder}' (scripts/test does).");
        }

        // --openssl-legacy-provider: s3rver's ListObjectsV2 continuation tokens are DES-encrypted, which node 20's
        // OpenSSL 3 only has in its legacy provider; without it every listing past the first page answers 500.
        _process = BackgroundProcess.Start("node", ["--openssl-legacy-provider", "start.js", Port.ToString(CultureInfo.InvariantCulture), Directory, Bucket], folder);
        using var timeout = new CancellationTokenSource(ReadyTimeout);
        // Ready when s3rver says it listens (its run() resolved) and a connect succeeds: a connect alone could reach
        // another test's server that took the port between FreePort and node's listen.
        while (!_process.StandardOutput.Contains(ReadyLine, StringComparison.Ordinal) || !await FreePort.AcceptsAsync(Port, timeout.Token))
        {
            if (_process.HasExited || timeout.IsCancellationRequested)
            {
                await _process.WaitForExitAsync(TimeSpan.FromSeconds(5));
                var output = _process.DescribeOutput();
                await StopAsync();
                throw new InvalidOperationException("s3rver did not start: " + output);
            }

            // A poll interval, not a stand-in for a signal: node takes about a second to load s3rver.
            await Task.Delay(50, CancellationToken.None);
        }
    }

    /// <summary>Kills the server and deletes its folder.</summary>
    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _directory.Dispose();
    }
}
