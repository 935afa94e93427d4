using System.Collections.Concurrent;

namespace Collage.Tests.Common;

/// <summary>
/// An innermost handler answering from a delegate, recording each request it saw (with a
/// snapshot of its headers, since hop requests are disposed) and the cancellation token.
/// </summary>
internal sealed class TestHandler : HttpMessageHandler
{
    private readonly Func<HttpRequestMessage, HttpResponseMessage> _respond;
    private readonly ConcurrentQueue<SentRequest> _sent = new();

    public TestHandler(Func<HttpRequestMessage, HttpResponseMessage> respond)
    {
        _respond = respond;
    }

    public IReadOnlyList<SentRequest> Sent => _sent.ToArray();

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        _sent.Enqueue(new SentRequest(request, cancellationToken));
        cancellationToken.ThrowIfCancellationRequested();
        var response = _respond(request);
        response.RequestMessage ??= request;
        return Task.FromResult(response);
    }
}
