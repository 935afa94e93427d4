using System.Diagnostics;
using System.Globalization;
using Collage.Tests.EndToEnd.Caching;
using Collage.Tests.EndToEnd.Infrastructure;

namespace Collage.Tests.EndToEnd.Groups;

/// <summary>
/// Collage as its own process (<see cref="CollageProcess"/>) with a config of groups, so its breakers, logs and
/// <c>/metrics</c> are its own; plus what the tests ask of it: manifest GETs as registry clients send them, a
/// registries.conf for podman, a breaker's gauge.
/// </summary>
internal sealed class GroupGateway : IAsyncDisposable
{
    /// <summary>The media types registry clients ask manifests for (distribution answers 404 for OCI without them).</summary>
    public const string ManifestAccept =
        "application/vnd.oci.image.manifest.v1+json, application/vnd.oci.image.index.v1+json, application/vnd.docker.distribution.manifest.v2+json";

    private readonly TempDirectory _directory;
    private readonly CollageProcess _process;

    private GroupGateway(TempDirectory directory, CollageProcess process)
    {
        _directory = directory;
        _process = process;
    }

    /// <summary><c>127.0.0.1:PORT</c>, as image references name it.</summary>
    public string HostPort => _process.HostPort;

    /// <summary>Its console log so far.</summary>
    public string LogText => _process.LogText;

    /// <summary>Starts Collage with <paramref name="config"/> (serialised as its config file).</summary>
    public static async Task<GroupGateway> StartAsync(object config)
    {
        var directory = TempDirectory.Create("group-collage");
        try
        {
            var file = directory.Combine("collage.json");
            await CollageProcess.WriteConfigAsync(file, config);
            return new GroupGateway(directory, await CollageProcess.StartAsync(file));
        }
        catch
        {
            directory.Dispose();
            throw;
        }
    }

    /// <summary>GET <paramref name="path"/> (with the manifest Accept header), timed.</summary>
    public async Task<GatewayAnswer> GetAsync(string path, CancellationToken cancellationToken = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.TryAddWithoutValidation("Accept", ManifestAccept);
        var stopwatch = Stopwatch.StartNew();
        using var response = await _process.Client.SendAsync(request, cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        var digest = response.Headers.TryGetValues("Docker-Content-Digest", out var values) ? values.First() : null;
        return new GatewayAnswer(response.StatusCode, body, digest, response.Headers.RetryAfter?.ToString(), stopwatch.Elapsed);
    }

    /// <summary>
    /// The value of <c>collage_upstream_breaker_state{upstream="<paramref name="upstream"/>"}</c> on <c>/metrics</c>
    /// (0 closed, 1 open, 2 half-open), or null when the gauge has no such series.
    /// </summary>
    public async Task<int?> BreakerStateAsync(string upstream)
    {
        var text = await _process.Client.GetStringAsync("/metrics");
        var line = text.Split('\n').FirstOrDefault(l =>
            l.StartsWith("collage_upstream_breaker_state{", StringComparison.Ordinal) && l.Contains($"upstream=\"{upstream}\"", StringComparison.Ordinal));
        return line is null ? null : (int)double.Parse(line[(line.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture);
    }

    /// <summary>What <c>/readyz</c> says of <paramref name="upstream"/>'s breaker (closed, open, half-open), or null.</summary>
    public async Task<string?> ReadyzBreakerAsync(string upstream)
    {
        using var response = await _process.Client.GetAsync("/readyz");
        using var document = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return document.RootElement.TryGetProperty("breakers", out var breakers) && breakers.TryGetProperty(upstream, out var state) ? state.GetString() : null;
    }

    /// <summary>A registries.conf that lets podman pull from this Collage over plain HTTP.</summary>
    public async Task<string> WriteRegistriesConfAsync()
    {
        var path = _directory.Combine("registries.conf");
        await File.WriteAllTextAsync(path, $"""
            unqualified-search-registries = []

            [[registry]]
            location = "{HostPort}"
            insecure = true
            """);
        return path;
    }

    public async ValueTask DisposeAsync()
    {
        await _process.DisposeAsync();
        _directory.Dispose();
    }
}
