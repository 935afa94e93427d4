using System.Security.Cryptography;

namespace Collage.Tests.Functional.Faults;

/// <summary>A random blob and its digest, for upstreams that serve it whole, cut, stalled or endlessly.</summary>
internal static class FaultBlob
{
    public static readonly byte[] Bytes = RandomNumberGenerator.GetBytes(1024 * 1024);

    public static readonly string Digest = "sha256:" + Convert.ToHexStringLower(SHA256.HashData(Bytes));

    /// <summary>Reads <paramref name="response"/>'s body to its end or failure: the bytes that arrived and what broke it.</summary>
    public static async Task<(long Received, Exception? Failure)> DrainAsync(HttpResponseMessage response, TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        var buffer = new byte[64 * 1024];
        long received = 0;
        try
        {
            await using var stream = await response.Content.ReadAsStreamAsync(deadline.Token);
            int read;
            while ((read = await stream.ReadAsync(buffer, deadline.Token)) > 0)
            {
                received += read;
            }

            return (received, null);
        }
        catch (Exception ex) when (ex is IOException or HttpRequestException && !deadline.IsCancellationRequested)
        {
            return (received, ex);
        }
    }
}
