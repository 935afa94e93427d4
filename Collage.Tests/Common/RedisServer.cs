using System.Net;
using System.Net.Sockets;
using Collage.Tests.EndToEnd.Infrastructure;

namespace Collage.Tests.Common;

/// <summary>
/// A real redis-server of the test's own on 127.0.0.1 (no persistence), for the fleet coordinator's tests.
/// <see cref="StopAsync"/> kills it (an outage) and <see cref="StartAgainAsync"/> brings it back on the same port.
/// </summary>
internal sealed class RedisServer : IAsyncDisposable
{
    private static readonly TimeSpan ReadyWait = TimeSpan.FromSeconds(20);
    private const int PortAttempts = 5;

    private readonly string _directory;
    private BackgroundProcess? _process;

    private RedisServer(string directory, int port)
    {
        _directory = directory;
        Port = port;
    }

    /// <summary>The port it listens on.</summary>
    public int Port { get; private set; }

    /// <summary>A StackExchange.Redis configuration string for it.</summary>
    public string Configuration => $"127.0.0.1:{Port}";

    /// <summary>
    /// Starts a server on <paramref name="port"/>, or on a free port (another one when the first was taken in
    /// between), ready for connections.
    /// </summary>
    public static async Task<RedisServer> StartAsync(int? port = null)
    {
        var directory = Directory.CreateTempSubdirectory("collage-redis-").FullName;
        var server = new RedisServer(directory, 0);
        for (var attempt = 1; ; attempt++)
        {
            server.Port = port ?? FreePort.Next();
            if (await server.TryStartAsync())
            {
                return server;
            }

            if (attempt == PortAttempts)
            {
                var output = server._process?.DescribeOutput();
                await server.DisposeAsync();
                throw new InvalidOperationException($"redis-server did not start: {output}");
            }
        }
    }

    /// <summary>Kills the server (no shutdown handshake: connected clients see the connection drop).</summary>
    public Task StopAsync()
    {
        _process?.Dispose();
        _process = null;
        return Task.CompletedTask;
    }

    /// <summary>Starts the server again on the same port, empty.</summary>
    public async Task StartAgainAsync()
    {
        await StopAsync();
        for (var attempt = 1; attempt <= PortAttempts; attempt++)
        {
            // The port just closed; it is free at once (the server sets SO_REUSEADDR), but retry a bounded few times.
            if (await TryStartAsync())
            {
                return;
            }
        }

        throw new InvalidOperationException($"redis-server did not start again on {Port}: {_process?.DescribeOutput()}");
    }

    /// <summary>Kills the server and deletes its folder.</summary>
    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // A temp folder left behind is harmless.
        }
    }

    private async Task<bool> TryStartAsync()
    {
        _process?.Dispose();
        _process = BackgroundProcess.Start(
            "redis-server",
            ["--bind", "127.0.0.1", "--port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--save", "", "--appendonly", "no", "--dir", _directory],
            _directory);
        var deadline = DateTime.UtcNow + ReadyWait;
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
            {
                return false;
            }

            if (await FreePort.AcceptsAsync(Port))
            {
                return true;
            }

            await Task.Delay(50);
        }

        return false;
    }
}
