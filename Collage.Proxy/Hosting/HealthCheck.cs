namespace Collage.Proxy.Hosting;

/// <summary>
/// <c>Collage.Proxy --healthcheck URL</c>: the container image's HEALTHCHECK, since the runtime image has
/// neither curl nor wget. Exit code 0 when the URL answers 200 within 3 s.
/// </summary>
internal static class HealthCheck
{
    public static async Task<int> RunAsync(string url)
    {
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(3) };
        try
        {
            using var response = await client.GetAsync(url);
            return response.IsSuccessStatusCode ? 0 : 1;
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or UriFormatException or InvalidOperationException)
        {
            await Console.Error.WriteLineAsync($"collage: health check of {url} failed: {ex.Message}");
            return 1;
        }
    }
}
