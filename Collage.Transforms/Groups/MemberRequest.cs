namespace Collage.Transforms.Groups;

/// <summary>One request to a group member, bounded until its response headers arrive.</summary>
internal static class MemberRequest
{
    /// <summary>
    /// Sends <paramref name="request"/> through <paramref name="client"/>. With <paramref name="headerTimeout"/>, a member
    /// that sends no response headers in that time fails with <see cref="TimeoutException"/> (a member failing, unlike
    /// the caller's own cancellation); the body that follows is not bounded by it.
    /// </summary>
    public static async Task<HttpResponseMessage> SendAsync(HttpMessageInvoker client, HttpRequestMessage request, TimeSpan? headerTimeout, CancellationToken cancellationToken)
    {
        if (headerTimeout is not { } timeout)
        {
            return await client.SendAsync(request, cancellationToken);
        }

        using var headers = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        headers.CancelAfter(timeout);
        try
        {
            return await client.SendAsync(request, headers.Token);
        }
        catch (OperationCanceledException ex) when (headers.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException("The member sent no response headers in time.", ex);
        }
    }
}
