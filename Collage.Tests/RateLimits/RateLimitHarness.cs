using System.Net;
using Collage.Tests.Common;
using Collage.Tests.Functional.Observability;
using Collage.Transforms.Diagnostics;
using Collage.Transforms.Mounts;
using Collage.Transforms.RateLimits;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Collage.Tests.RateLimits;

/// <summary>
/// A <see cref="RateLimitHandler"/> of the upstream <c>registry.test</c> on a fake clock, over an inner handler the test
/// scripts, with its log and its metrics (one meter factory per harness, so parallel tests do not see each other's).
/// </summary>
internal sealed class RateLimitHarness : IDisposable
{
    public const string Authority = "registry.test";

    public static readonly Upstream Registry = new("https://registry.test", new Uri("https://registry.test/"), Authority, false);

    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
    private readonly List<IDisposable> _disposables = [];

    public RateLimitHarness()
    {
        Backoff = new UpstreamBackoff(Time);
        Metrics = new CollageMetrics(_services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>());
        Measurements = new MeasurementRecorder(_services);
    }

    /// <summary>A fixed start, so HTTP-dates (whole seconds) land on exact offsets.</summary>
    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2025, 3, 1, 12, 0, 0, TimeSpan.Zero));

    public UpstreamBackoff Backoff { get; }

    public CollageMetrics Metrics { get; }

    public MeasurementRecorder Measurements { get; }

    public RecordingLogger<RateLimitHandler> Log { get; } = new();

    /// <summary>A client whose chain is the handler over <paramref name="inner"/>.</summary>
    public HttpMessageInvoker Client(HttpMessageHandler inner, TimeSpan? defaultBackoff = null)
    {
        var handler = new RateLimitHandler(Authority, Backoff, defaultBackoff ?? TimeSpan.FromSeconds(60), Metrics.ForUpstream(Registry), Log) { InnerHandler = inner };
        var client = new HttpMessageInvoker(handler);
        _disposables.Add(client);
        return client;
    }

    public static Task<HttpResponseMessage> GetAsync(HttpMessageInvoker client) =>
        client.SendAsync(new HttpRequestMessage(HttpMethod.Get, "https://registry.test/v2/team/app/manifests/v1"), CancellationToken.None);

    /// <summary>Docker Hub's answer at the limit: 429 TOOMANYREQUESTS, with <c>Retry-After</c> when given.</summary>
    public static HttpResponseMessage TooManyRequests(string? retryAfter = null)
    {
        var response = new HttpResponseMessage(HttpStatusCode.TooManyRequests)
        {
            Content = new StringContent("""{"errors":[{"code":"TOOMANYREQUESTS","message":"You have reached your pull rate limit."}]}"""),
        };
        if (retryAfter is not null)
        {
            response.Headers.TryAddWithoutValidation("Retry-After", retryAfter);
        }

        return response;
    }

    public void Dispose()
    {
        foreach (var disposable in _disposables)
        {
            disposable.Dispose();
        }

        Measurements.Dispose();
        _services.Dispose();
    }
}
