using System.Diagnostics;

namespace Collage.Tests.Functional.Observability;

/// <summary>
/// Waits for something recorded after the response: the gateway counts and logs a request once its pipeline
/// returns, which can be a moment after the client has read the whole body. Polls the real condition, bounded
/// by a deadline on the monotonic clock; on the deadline it returns the last value for the caller's assertion
/// to fail on.
/// </summary>
internal static class Eventually
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(50);

    public static async Task<T> GetAsync<T>(Func<Task<T>> read, Func<T, bool> done, TimeSpan? timeout = null)
    {
        var deadline = timeout ?? TimeSpan.FromSeconds(10);
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var value = await read();
            if (done(value) || clock.Elapsed > deadline)
            {
                return value;
            }

            await Task.Delay(PollInterval);
        }
    }
}
