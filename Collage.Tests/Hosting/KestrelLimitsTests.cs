using System.Net.Sockets;
using System.Text;
using Collage.Proxy.Hosting;
using Collage.Tests.Functional.Faults;
using Collage.Tests.Functional.Infrastructure;
using Collage.Transforms.Configuration;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Configuration;

namespace Collage.Tests.Hosting;

public sealed class KestrelLimitsTests
{
    [Fact]
    public void Read_NothingConfigured_AppliesTheDocumentedDefaults()
    {
        var kestrel = new KestrelServerOptions();
        KestrelLimits.Apply(kestrel, KestrelLimits.Read(new ConfigurationBuilder().Build()));

        kestrel.Limits.MaxRequestLineSize.Should().Be(4096);
        kestrel.Limits.MaxRequestHeadersTotalSize.Should().Be(32 * 1024);
        kestrel.Limits.MaxRequestHeaderCount.Should().Be(64);
        kestrel.Limits.MaxRequestBodySize.Should().Be(0);
        kestrel.Limits.MaxConcurrentConnections.Should().Be(4096);
        kestrel.Limits.RequestHeadersTimeout.Should().Be(TimeSpan.FromSeconds(10));
    }

    [Theory]
    [InlineData("Server:Limits:MaxHeaders", "50")]
    [InlineData("Server:Limits:MaxRequestHeaderCount", "many")]
    [InlineData("Server:Limits:MaxRequestLineSize", "10")]
    [InlineData("Server:Limits:RequestHeadersTimeout", "-00:00:01")]
    public void Read_BadKeyOrValue_StopsStartUpNamingTheKey(string key, string value)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { [key] = value }).Build();

        var read = () => KestrelLimits.Read(configuration);

        read.Should().Throw<CollageConfigException>().WithMessage($"*{key.Split(':')[^1]}*");
    }

    [Fact]
    public async Task MaxConcurrentConnections_OverTheLimit_IsClosedAtOnceAndServedOnceOneFrees()
    {
        await using var collage = await CollageServer.StartAsync(UpstreamFaultTests.Mount("127.0.0.1:9"), "127.0.0.1", 0, "--Server:Limits:MaxConcurrentConnections", "2");
        using var first = await OpenAsync(collage);
        using var second = await OpenAsync(collage);

        // Answered, so Kestrel has accepted and counted both (a connect completes in the kernel's backlog before
        // Kestrel accepts it, so without this the third could be counted before the first); both stay open.
        (await ReadAsync(first)).Should().StartWith("HTTP/1.1 200");
        (await ReadAsync(second)).Should().StartWith("HTTP/1.1 200");

        using (var third = await OpenAsync(collage))
        {
            (await ReadAsync(third)).Should().BeEmpty("Kestrel closes a connection over the limit without an answer");
        }

        first.Dispose();
        await ClientDisconnectTests.Eventually(() => Answers(collage).Result, "a freed slot serves again");
    }

    [Fact]
    public async Task RequestHeadersTimeout_SlowlorisClient_IsCutOff()
    {
        await using var collage = await CollageServer.StartAsync(UpstreamFaultTests.Mount("127.0.0.1:9"), "127.0.0.1", 0, "--Server:Limits:RequestHeadersTimeout", "00:00:01");
        using var slow = await OpenAsync(collage, send: false);
        await slow.GetStream().WriteAsync(Encoding.ASCII.GetBytes("GET /v2/ HTTP/1.1\r\nHost: x\r\nX-Slow: "));

        var clock = System.Diagnostics.Stopwatch.StartNew();
        var answer = await ReadAsync(slow);

        clock.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(6), "the headers timeout is 1 s (checked on Kestrel's 1 s heartbeat)");
        (answer.Length == 0 || answer.StartsWith("HTTP/1.1 408", StringComparison.Ordinal)).Should().BeTrue(answer);
    }

    private static async Task<TcpClient> OpenAsync(CollageServer collage, bool send = true)
    {
        var client = new TcpClient();
        await client.ConnectAsync(collage.BaseUri.Host, collage.BaseUri.Port);
        if (send)
        {
            await client.GetStream().WriteAsync(Encoding.ASCII.GetBytes("GET /v2/ HTTP/1.1\r\nHost: x\r\n\r\n"));
        }

        return client;
    }

    private static async Task<string> ReadAsync(TcpClient client)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var buffer = new byte[4096];
        try
        {
            var read = await client.GetStream().ReadAsync(buffer, timeout.Token);
            return Encoding.ASCII.GetString(buffer, 0, read);
        }
        catch (IOException)
        {
            return string.Empty;
        }
    }

    private static async Task<bool> Answers(CollageServer collage)
    {
        using var client = await OpenAsync(collage);
        return (await ReadAsync(client)).StartsWith("HTTP/1.1 200", StringComparison.Ordinal);
    }
}
