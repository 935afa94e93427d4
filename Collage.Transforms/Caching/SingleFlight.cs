using System.Collections.Concurrent;

namespace Collage.Transforms.Caching;

/// <summary>
/// At most one run of a piece of work per key at a time: callers that arrive while it runs share its result. The work
/// belongs to no caller (it runs without their cancellation), so one caller leaving does not fail the others; each
/// caller can still stop waiting. Used for manifest fetches and tag revalidations: 16 clients whose tag expired
/// together sent 10 to 16 HEADs upstream at once without it (bench/run, warm manifests).
/// </summary>
/// <typeparam name="TResult">The work's result.</typeparam>
internal sealed class SingleFlight<TResult>
{
    private readonly ConcurrentDictionary<string, Lazy<Task<TResult>>> _running = new(StringComparer.Ordinal);

    /// <summary>The result of <paramref name="work"/> for <paramref name="key"/>, run now or joined.</summary>
    public Task<TResult> RunAsync(string key, Func<Task<TResult>> work, CancellationToken cancellationToken)
    {
        var candidate = new Lazy<Task<TResult>>(() => RunAndForgetAsync(key, work), LazyThreadSafetyMode.ExecutionAndPublication);
        var running = _running.GetOrAdd(key, candidate);
        return running.Value.WaitAsync(cancellationToken);
    }

    private async Task<TResult> RunAndForgetAsync(string key, Func<Task<TResult>> work)
    {
        try
        {
            await Task.Yield();
            return await work();
        }
        finally
        {
            _running.TryRemove(key, out _);
        }
    }
}
