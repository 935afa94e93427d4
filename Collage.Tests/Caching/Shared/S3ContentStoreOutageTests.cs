using System.Diagnostics;
using Collage.Tests.Common;
using Collage.Transforms.Caching.Shared;
using Collage.Transforms.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Time.Testing;

namespace Collage.Tests.Caching.Shared;

/// <summary>The store when the server is gone, hangs or refuses: fast, safe failures, and recovery.</summary>
public sealed class S3ContentStoreOutageTests
{
    // Generous: a refused connect takes milliseconds, the SDK's one retry backs off for up to a second or so; a
    // failing call must never cost the request timeout of a cache read (the tests set 30 s).
    private static readonly TimeSpan FailFast = TimeSpan.FromSeconds(20);
    private static readonly CancellationToken None = CancellationToken.None;

    [Fact]
    public async Task Outage_ServerStopped_CallsFailFastAndTheCircuitOpens_ThenRecovers()
    {
        await using var server = await S3rverServer.StartAsync();
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var logger = new RecordingLogger<S3ContentStore>();
        using var store = new S3ContentStore(server.Options(), time, logger);
        var (bytes, hex) = S3rverFixture.RandomContent(1_000);
        var file = Path.Combine(server.Directory, "..", "upload");
        await File.WriteAllBytesAsync(file, bytes);
        await store.UploadAsync(hex, file, bytes.Length, None);
        store.IsAvailable.Should().BeTrue();

        await server.StopAsync();
        var messages = new List<string>();
        for (var attempt = 0; attempt < 10 && store.IsAvailable; attempt++)
        {
            messages.Add(await FailsFastAsync(() => store.GetLengthAsync(hex, None)));
        }

        // Half of at least four calls in the window: the upload's HEAD and PUT, then two failures.
        store.IsAvailable.Should().BeFalse("half of four calls in the window failed");
        messages.Should().HaveCount(2).And.OnlyContain(m => m.Contains("HeadObject", StringComparison.Ordinal));
        messages.Should().Contain(m => m.Contains("connection refused", StringComparison.Ordinal));
        messages.Add(await FailsFastAsync(() => store.OpenAsync(hex, 0, null, None)));
        messages[^1].Should().Be("The shared store's GetObject failed: circuit open after connection refused.");
        messages.Add(await FailsFastAsync(() => store.UploadAsync(hex, file, bytes.Length, None)));
        messages.Should().OnlyContain(m => !m.Contains(server.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal) && !m.Contains("127.0.0.1", StringComparison.Ordinal));

        await server.StartAgainAsync();
        long? length = null;
        for (var attempt = 0; attempt < 20 && length is null; attempt++)
        {
            // Past the break duration: the next call is the probe. A probe can still fail on a connection the pool
            // kept from before the outage; then the circuit opens again and the next round probes again.
            time.Advance(TimeSpan.FromSeconds(6));
            try
            {
                length = await store.GetLengthAsync(hex, None);
            }
            catch (SharedStoreUnavailableException)
            {
            }
        }

        length.Should().Be(bytes.Length);
        store.IsAvailable.Should().BeTrue();
        var events = logger.Entries.Select(e => e.EventId.Id).ToList();
        events.Should().Contain([EventIds.SharedStoreBreakerOpened, EventIds.SharedStoreBreakerHalfOpened, EventIds.SharedStoreBreakerClosed]);
        logger.Entries.Should().OnlyContain(e => !e.Text.Contains(server.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal));
    }

    [Fact]
    public async Task WrongSecret_ThrowsUnavailable_NamingNeitherTheSecretNorTheEndpoint()
    {
        await using var server = await S3rverServer.StartAsync();
        const string Secret = "wrong-secret-Zq7xK2";
        var secretFile = Path.Combine(server.Directory, "..", "wrong-secret");
        await File.WriteAllTextAsync(secretFile, Secret);
        var logger = new RecordingLogger<S3ContentStore>();
        using var store = new S3ContentStore(server.Options() with { SecretAccessKeyFile = secretFile }, TimeProvider.System, logger);
        var (bytes, hex) = S3rverFixture.RandomContent(10);
        var file = Path.Combine(server.Directory, "..", "upload");
        await File.WriteAllBytesAsync(file, bytes);

        var failures = new[]
        {
            await FailsFastAsync(() => store.GetLengthAsync(hex, None)),
            await FailsFastAsync(() => store.UploadAsync(hex, file, bytes.Length, None)),
            await FailsFastAsync(async () => await store.ListAsync(None).CountAsync()),
        };

        failures[0].Should().Contain("HTTP 403");
        failures[2].Should().Contain("SignatureDoesNotMatch");
        var port = server.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        failures.Concat(logger.Entries.Select(e => e.Text))
            .Should().OnlyContain(m => !m.Contains(Secret, StringComparison.Ordinal) && !m.Contains(port, StringComparison.Ordinal));
        store.Presign(hex, TimeSpan.FromMinutes(1)).ToString().Should().NotContain(Secret);
    }

    [Fact]
    public async Task ServerNeverAnswers_CallTimesOutAsUnavailable()
    {
        using var release = new CancellationTokenSource();
        await using var hanging = await LoopbackServer.StartAsync(async context =>
        {
            // Holds every request until the test ends (or the client gives up).
            using var both = CancellationTokenSource.CreateLinkedTokenSource(release.Token, context.RequestAborted);
            await Task.Delay(Timeout.Infinite, both.Token).ContinueWith(_ => { }, TaskScheduler.Default);
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        });
        await using var server = await S3rverServer.StartAsync();
        var options = server.Options() with { Endpoint = hanging.BaseUri, RequestTimeout = TimeSpan.FromSeconds(1) };
        using var store = new S3ContentStore(options, TimeProvider.System, new RecordingLogger<S3ContentStore>());
        var (_, hex) = S3rverFixture.RandomContent(10);

        var message = await FailsFastAsync(() => store.OpenAsync(hex, 0, null, None));

        message.Should().Contain("GetObject").And.Contain("timed out");
        await release.CancelAsync();
    }

    [Fact]
    public async Task CallerCancels_ThrowsOperationCanceled_AndTheCircuitStaysClosed()
    {
        await using var server = await S3rverServer.StartAsync();
        using var store = new S3ContentStore(server.Options(), TimeProvider.System, new RecordingLogger<S3ContentStore>());
        var (_, hex) = S3rverFixture.RandomContent(10);
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        for (var i = 0; i < 6; i++)
        {
            var call = () => store.GetLengthAsync(hex, cancelled.Token);
            await call.Should().ThrowAsync<OperationCanceledException>();
        }

        store.IsAvailable.Should().BeTrue("a caller giving up says nothing about the store");
        (await store.GetLengthAsync(hex, None)).Should().BeNull();
    }

    private static async Task<string> FailsFastAsync(Func<Task> call)
    {
        var watch = Stopwatch.StartNew();
        var failure = (await call.Should().ThrowAsync<SharedStoreUnavailableException>()).Which;
        watch.Elapsed.Should().BeLessThan(FailFast);
        failure.InnerException.Should().BeNull("inner exceptions of the SDK name the endpoint");
        return failure.Message;
    }
}
