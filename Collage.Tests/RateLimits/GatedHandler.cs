namespace Collage.Tests.RateLimits;

/// <summary>
/// An inner handler that holds every request until <see cref="Release"/>, then answers each from a script: lets a
/// test have several requests in flight at the upstream at once, without timing.
/// </summary>
internal sealed class GatedHandler(Func<HttpResponseMessage> respond) : HttpMessageHandler
{
    private readonly TaskCompletionSource _gate = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _arrived = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _count;

    /// <summary>How many requests must be waiting before <see cref="Arrived"/> completes.</summary>
    public int Expected { get; init; } = 1;

    public int Count => Volatile.Read(ref _count);

    /// <summary>Completes once <see cref="Expected"/> requests are held.</summary>
    public Task Arrived => _arrived.Task;

    public void Release() => _gate.TrySetResult();

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (Interlocked.Increment(ref _count) >= Expected)
        {
            _arrived.TrySetResult();
        }

        await _gate.Task.WaitAsync(cancellationToken);
        var response = respond();
        response.RequestMessage = request;
        return response;
    }
}
