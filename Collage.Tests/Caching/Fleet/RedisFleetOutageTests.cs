using Collage.Tests.Common;
using Collage.Tests.EndToEnd.Infrastructure;
using Collage.Transforms.Caching.Fleet;
using Collage.Transforms.Configuration;
using Collage.Transforms.Diagnostics;
using FluentAssertions;
using Microsoft.Extensions.Logging;
using Polly.CircuitBreaker;
using Xunit;

namespace Collage.Tests.Caching.Fleet;

/// <summary>
/// Redis going away and coming back, each test with a redis-server of its own: calls fail with
/// <see cref="FleetUnavailableException"/> within a bound, the breaker opens (so later calls fail without trying),
/// calls work again once Redis is back, a Redis that is down at start-up stops nothing, and no message names the
/// host or the password.
/// </summary>
public sealed class RedisFleetOutageTests
{
    private const string Password = "Pa55-not-for-logs";
    private static readonly CancellationToken None = CancellationToken.None;

    // The operation timeout of these tests: failures are quick anyway (a refused connection), this bounds the rest.
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(1);

    [Fact]
    public async Task Outage_CallsFailWithinABound_BreakerOpens_ThenCallsWorkAgain()
    {
        await using var server = await RedisServer.StartAsync();
        var logger = new RecordingLogger<RedisFleetCoordinator>();
        await using var fleet = RedisFixture.Create(Options(server.Configuration), logger);
        await fleet.TouchAsync(RedisFixture.NewHex(), 10, DateTimeOffset.UtcNow, None);
        fleet.IsAvailable.Should().BeTrue();

        await server.StopAsync();
        var messages = new List<string>();
        for (var i = 0; i < 8; i++)
        {
            var started = TimeProvider.System.GetTimestamp();
            var call = await FluentActions.Awaiting(() => fleet.GetStoredBytesAsync(None)).Should().ThrowAsync<FleetUnavailableException>();
            messages.Add(call.Which.Message);
            TimeProvider.System.GetElapsedTime(started).Should().BeLessThan(TimeSpan.FromSeconds(10));
        }

        fleet.BreakerState.Should().Be(CircuitState.Open);
        fleet.IsAvailable.Should().BeFalse();
        messages.Last().Should().Contain("circuit is open");
        logger.Entries.Where(e => e.EventId.Id == EventIds.FleetUnavailable).Should().ContainSingle()
            .Which.Message.Should().Contain("each replica coordinates only itself");

        await server.StartAgainAsync();
        await UntilWorks(() => fleet.GetStoredBytesAsync(None));
        await UntilTrue(() => fleet.IsAvailable);
        logger.Entries.Should().Contain(e => e.EventId.Id == EventIds.FleetReachable && e.Level == LogLevel.Information);
        NamesNothing(messages.Concat(logger.Entries.Select(e => e.Message + e.Exception)), server.Port);
    }

    [Fact]
    public async Task Outage_ProbesFailAgain_LoggedOnce()
    {
        var port = FreePort.Next();
        var logger = new RecordingLogger<RedisFleetCoordinator>();
        await using var fleet = RedisFixture.Create(Options($"127.0.0.1:{port}"), logger);
        await UntilTrue(async () => await FailsWith(fleet, "circuit is open"));

        // After the break (5 s) a probe is let through, fails, and the breaker opens again.
        await UntilTrue(async () => !await FailsWith(fleet, "circuit is open"));
        await UntilTrue(async () => await FailsWith(fleet, "circuit is open"));

        logger.Entries.Where(e => e.EventId.Id == EventIds.FleetUnavailable).Should().ContainSingle();
        logger.Entries.Should().NotContain(e => e.EventId.Id == EventIds.FleetReachable);
    }

    [Fact]
    public async Task GetPeerKey_RedisRestartedEmpty_ReplicasAgreeOnTheNewKey()
    {
        await using var server = await RedisServer.StartAsync();
        var options = Options(server.Configuration) with { OperationTimeout = RedisFixture.OperationTimeout };
        await using var a = RedisFixture.Create(options);
        await using var b = RedisFixture.Create(options);
        var before = await a.GetPeerKeyAsync(None);
        (await b.GetPeerKeyAsync(None)).Should().Be(before);

        await server.StartAgainAsync();
        var after = await UntilWorks(() => b.GetPeerKeyAsync(None));

        after.Should().NotBe(before, "the restarted Redis is empty");
        (await UntilWorks(() => a.GetPeerKeyAsync(None))).Should().Be(after, "no replica keeps the old key");
    }

    [Fact]
    public async Task Startup_RedisDown_DoesNotThrowAndConnectsOnceItIsUp()
    {
        var port = FreePort.Next();
        await using var fleet = RedisFixture.Create(Options($"127.0.0.1:{port}"));

        fleet.IsAvailable.Should().BeFalse();
        await FluentActions.Awaiting(() => fleet.TryAcquireAsync(RedisFixture.NewHex(), None)).Should().ThrowAsync<FleetUnavailableException>();

        await using var server = await RedisServer.StartAsync(port);
        var lease = await UntilWorks(() => fleet.TryAcquireAsync(RedisFixture.NewHex(), None));
        lease.Should().NotBeNull();
        await lease!.DisposeAsync();
    }

    [Fact]
    public async Task Lease_RedisGone_IsLost()
    {
        await using var server = await RedisServer.StartAsync();
        await using var fleet = RedisFixture.Create(Options(server.Configuration) with { LeaseTime = TimeSpan.FromSeconds(1.5) });
        await using var lease = await fleet.TryAcquireAsync(RedisFixture.NewHex(), None);

        await server.StopAsync();

        // Two failed renewals (at 0.5 s and 1 s) and the next would come after the expiry.
        (await RedisFixture.CancelledWithin(lease!.Lost, TimeSpan.FromSeconds(60))).Should().BeTrue();
    }

    [Fact]
    public async Task Wait_RedisGone_ThrowsFleetUnavailable()
    {
        await using var server = await RedisServer.StartAsync();
        await using var fleet = RedisFixture.Create(Options(server.Configuration));
        var hex = RedisFixture.NewHex();
        await using var lease = await fleet.TryAcquireAsync(hex, None);

        await server.StopAsync();

        await FluentActions.Awaiting(() => fleet.WaitAsync(hex, TimeSpan.FromMinutes(1), None)).Should().ThrowAsync<FleetUnavailableException>();
    }

    [Fact]
    public async Task Failures_WithAPassword_NameNeitherHostNorPassword()
    {
        var port = FreePort.Next();
        var logger = new RecordingLogger<RedisFleetCoordinator>();
        await using var fleet = RedisFixture.Create(Options($"127.0.0.1:{port},password={Password}"), logger);
        var messages = new List<string>();

        for (var i = 0; i < 6; i++)
        {
            var call = await FluentActions.Awaiting(() => fleet.GetTagAsync("k", None)).Should().ThrowAsync<FleetUnavailableException>();
            messages.Add(call.Which.ToString());
        }

        logger.Entries.Should().NotBeEmpty();
        NamesNothing(messages.Concat(logger.Entries.Select(e => e.Message + e.Exception)), port);
    }

    [Fact]
    public void Configuration_NotParsable_RefusedWithoutQuotingIt()
    {
        var create = () => RedisFixture.Create(Options($"127.0.0.1:6379,passwort={Password}"));

        create.Should().Throw<InvalidOperationException>().Which.ToString().Should().NotContain(Password);
    }

    [Fact]
    public async Task ConfigurationFile_ReadAndTrimmed()
    {
        await using var server = await RedisServer.StartAsync();
        var file = Path.Combine(Path.GetTempPath(), $"collage-redis-{Guid.NewGuid():N}.conf");
        await File.WriteAllTextAsync(file, $"  {server.Configuration}\n");
        try
        {
            await using var fleet = RedisFixture.Create(new RedisOptions { ConfigurationFile = file, KeyPrefix = RedisFixture.NewPrefix(), OperationTimeout = RedisFixture.OperationTimeout });
            await using var lease = await fleet.TryAcquireAsync(RedisFixture.NewHex(), None);

            lease.Should().NotBeNull();
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void ConfigurationFile_Missing_RefusedNamingTheFile()
    {
        var file = Path.Combine(Path.GetTempPath(), $"collage-redis-missing-{Guid.NewGuid():N}.conf");

        var create = () => RedisFixture.Create(new RedisOptions { ConfigurationFile = file });

        create.Should().Throw<InvalidOperationException>().WithMessage($"*{file}*");
    }

    private static RedisOptions Options(string configuration) =>
        new() { Configuration = configuration, KeyPrefix = RedisFixture.NewPrefix(), OperationTimeout = Timeout };

    private static void NamesNothing(IEnumerable<string> texts, int port)
    {
        foreach (var text in texts)
        {
            text.Should().NotContain(Password).And.NotContain("127.0.0.1").And.NotContain($":{port}");
        }
    }

    // Bounded: Redis back is used within a reconnect (at most 5 s apart) plus the breaker's 5 s; 60 s is the margin.
    private static async Task<T> UntilWorks<T>(Func<Task<T>> call)
    {
        for (var i = 0; ; i++)
        {
            try
            {
                return await call();
            }
            catch (FleetUnavailableException) when (i < 240)
            {
                await Task.Delay(250);
            }
        }
    }

    private static Task UntilTrue(Func<bool> condition) => UntilTrue(() => Task.FromResult(condition()));

    private static async Task UntilTrue(Func<Task<bool>> condition)
    {
        for (var i = 0; i < 240; i++)
        {
            if (await condition())
            {
                return;
            }

            await Task.Delay(250);
        }

        (await condition()).Should().BeTrue("the condition should hold within a minute");
    }

    private static async Task<bool> FailsWith(RedisFleetCoordinator fleet, string text)
    {
        var call = await FluentActions.Awaiting(() => fleet.GetStoredBytesAsync(None)).Should().ThrowAsync<FleetUnavailableException>();
        return call.Which.Message.Contains(text, StringComparison.Ordinal);
    }
}
