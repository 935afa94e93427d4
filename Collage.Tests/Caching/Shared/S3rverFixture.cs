using System.Security.Cryptography;
using Collage.Tests.Common;
using Collage.Transforms.Caching.Shared;
using Collage.Transforms.Configuration;
using Microsoft.Extensions.Logging;

namespace Collage.Tests.Caching.Shared;

/// <summary>One s3rver for a test class; each test works under a prefix of its own, so tests do not see each other's objects.</summary>
public sealed class S3rverFixture : IAsyncLifetime
{
    private S3rverServer? _server;

    internal S3rverServer Server => _server ?? throw new InvalidOperationException("Not started.");

    /// <inheritdoc/>
    public async Task InitializeAsync() => _server = await S3rverServer.StartAsync();

    /// <inheritdoc/>
    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }

    /// <summary>A store on the server under a fresh prefix.</summary>
    internal S3ContentStore Store(RecordingLogger<S3ContentStore>? logger = null, Func<S3StoreOptions, S3StoreOptions>? configure = null, int listPageSize = 1000)
    {
        var options = Server.Options(prefix: $"t{Guid.NewGuid():N}/");
        return new S3ContentStore(configure?.Invoke(options) ?? options, TimeProvider.System, logger ?? new RecordingLogger<S3ContentStore>())
        {
            ListPageSize = listPageSize,
        };
    }

    /// <summary>Random bytes of <paramref name="length"/>, written to a file under the server's folder's parent; their sha256 hex.</summary>
    internal static (byte[] Bytes, string Hex) RandomContent(int length)
    {
        var bytes = RandomNumberGenerator.GetBytes(length);
        return (bytes, Convert.ToHexStringLower(SHA256.HashData(bytes)));
    }

    /// <summary>Writes <paramref name="bytes"/> to a new temporary file and returns its path.</summary>
    internal string WriteFile(byte[] bytes)
    {
        var path = Path.Combine(Path.GetDirectoryName(Server.SecretKeyFile)!, $"upload-{Guid.NewGuid():N}");
        File.WriteAllBytes(path, bytes);
        return path;
    }

    /// <summary>Reads <paramref name="opened"/>'s body to the end and disposes it.</summary>
    internal static async Task<byte[]> ReadAllAsync(SharedObject opened)
    {
        await using (opened)
        {
            using var buffer = new MemoryStream();
            await opened.Body.CopyToAsync(buffer);
            return buffer.ToArray();
        }
    }

    /// <summary>Whether <paramref name="logger"/> saw event <paramref name="eventId"/>.</summary>
    internal static bool Logged(RecordingLogger<S3ContentStore> logger, int eventId) =>
        logger.Entries.Any(e => e.EventId.Id == eventId && e.Level >= LogLevel.Debug);
}
