using System.Diagnostics;
using System.Text.Json;
using Collage.Tests.EndToEnd.Infrastructure;

namespace Collage.Tests.EndToEnd.Caching;

/// <summary>
/// Collage as its own process (<c>dotnet Collage.Proxy.dll</c> from the test output, where the project reference put
/// it) on 127.0.0.1 and a free port, so a test can <c>kill -9</c> it and start another on the same cache folder, and
/// read <c>/metrics</c> that no other gateway in the test run adds to. Dispose kills it (SIGKILL).
/// </summary>
internal sealed class CollageProcess : IAsyncDisposable
{
    private const int MaxStartAttempts = 3;
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(50);

    private readonly BackgroundProcess _process;

    private CollageProcess(BackgroundProcess process, int port)
    {
        _process = process;
        BaseUri = new Uri($"http://127.0.0.1:{port}/");
        Client = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false })
        {
            BaseAddress = BaseUri,
            Timeout = TimeSpan.FromSeconds(60),
        };
    }

    /// <summary><c>http://127.0.0.1:PORT/</c>.</summary>
    public Uri BaseUri { get; }

    /// <summary><c>127.0.0.1:PORT</c>, as it appears in image references.</summary>
    public string HostPort => BaseUri.Authority;

    /// <summary>A client without redirects or cookies, as registry clients behave.</summary>
    public HttpClient Client { get; }

    /// <summary>The process id.</summary>
    public int Id => _process.Id;

    /// <summary>Its console log so far (standard output, where the console logger writes).</summary>
    public string LogText => _process.StandardOutput;

    /// <summary>Both streams, labelled, for failure messages.</summary>
    public string Describe() => _process.DescribeOutput();

    /// <summary>Writes <paramref name="config"/> as JSON to <paramref name="path"/> (the format of <c>--config-file</c>).</summary>
    public static Task WriteConfigAsync(string path, object config) =>
        File.WriteAllTextAsync(path, JsonSerializer.Serialize(config));

    /// <summary>Starts Collage with <paramref name="configFile"/> and waits until <c>/healthz</c> answers 200.</summary>
    public static Task<CollageProcess> StartAsync(string configFile, CancellationToken cancellationToken = default) =>
        StartAsync(configFile, writeConfig: null, cancellationToken);

    /// <summary>
    /// Starts Collage with <paramref name="configFile"/>, written first by <paramref name="writeConfig"/> for the port
    /// it will listen on (a config that names its own URL), and waits until <c>/healthz</c> answers 200.
    /// </summary>
    public static async Task<CollageProcess> StartAsync(string configFile, Func<int, Task>? writeConfig, CancellationToken cancellationToken = default)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "Collage.Proxy.dll");
        for (var attempt = 1; ; attempt++)
        {
            var port = FreePort.Next();
            if (writeConfig is not null)
            {
                await writeConfig(port);
            }

            var process = BackgroundProcess.Start(
                DotnetHost(),
                [dll, "--config-file", configFile, "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1"],
                Path.GetDirectoryName(configFile)!);
            var collage = new CollageProcess(process, port);
            try
            {
                await collage.WaitUntilReadyAsync(cancellationToken);
                return collage;
            }
            catch (InvalidOperationException) when (attempt < MaxStartAttempts && process.DescribeOutput().Contains("address already in use", StringComparison.OrdinalIgnoreCase))
            {
                // Another process took the free port between FreePort.Next and bind.
                await collage.DisposeAsync();
            }
            catch
            {
                await collage.DisposeAsync();
                throw;
            }
        }
    }

    /// <summary>
    /// <c>kill -9</c>: SIGKILL, no shutdown hook, no flush (Process.Kill on Linux), and waits until it is gone.
    /// </summary>
    public async Task KillAsync()
    {
        SigKill();
        (await _process.WaitForExitAsync(TimeSpan.FromSeconds(10))).Should().BeTrue("SIGKILL ends a process at once");
    }

    /// <summary>The value of a counter on <c>/metrics</c> summed over its label sets (0 when absent).</summary>
    public async Task<double> MetricAsync(string name)
    {
        var text = await Client.GetStringAsync("/metrics");
        return text.Split('\n')
            .Where(line => line.StartsWith(name + "{", StringComparison.Ordinal) || line.StartsWith(name + " ", StringComparison.Ordinal))
            .Sum(line => double.Parse(line[(line.LastIndexOf(' ') + 1)..], System.Globalization.CultureInfo.InvariantCulture));
    }

    public ValueTask DisposeAsync()
    {
        Client.Dispose();
        _process.Dispose();
        return ValueTask.CompletedTask;
    }

    // The SDK names the dotnet it runs under in DOTNET_HOST_PATH; the test host itself runs under dotnet too.
    private static string DotnetHost() =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host
        : Environment.ProcessPath is { } self && Path.GetFileNameWithoutExtension(self) == "dotnet" ? self
        : "dotnet";

    private void SigKill()
    {
        using var process = Process.GetProcessById(_process.Id);
        process.Kill(entireProcessTree: true);
    }

    private async Task WaitUntilReadyAsync(CancellationToken cancellationToken)
    {
        using var probe = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < StartTimeout)
        {
            if (_process.HasExited)
            {
                await _process.WaitForExitAsync(TimeSpan.FromSeconds(5));
                throw new InvalidOperationException($"Collage exited during start-up.{Environment.NewLine}{Describe()}");
            }

            try
            {
                using var response = await probe.GetAsync(new Uri(BaseUri, "healthz"), cancellationToken);
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
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

        throw new TimeoutException($"Collage did not answer /healthz within {StartTimeout.TotalSeconds:F0} s.{Environment.NewLine}{Describe()}");
    }
}
