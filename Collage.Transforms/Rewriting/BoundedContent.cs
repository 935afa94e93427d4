namespace Collage.Transforms.Rewriting;

/// <summary>Reads an upstream body that Collage must rewrite, refusing one larger than a cap.</summary>
internal static class BoundedContent
{
    /// <summary>The body, or <c>null</c> when it is larger than <paramref name="maxBytes"/>.</summary>
    public static Task<byte[]?> ReadAsync(HttpContent content, int maxBytes, CancellationToken cancellationToken) =>
        ReadAsync(content, maxBytes, activity: null, TimeSpan.Zero, cancellationToken);

    /// <summary>
    /// The body, or <c>null</c> when it is larger than <paramref name="maxBytes"/>, the upstream silent for at most
    /// <paramref name="activityTimeout"/> before each read: <paramref name="activity"/>'s timer is re-armed per read,
    /// so a slow body that keeps moving is read whole (the meaning of <c>http.activityTimeout</c>), a stalled one is
    /// cancelled.
    /// </summary>
    public static Task<byte[]?> ReadAsync(HttpContent content, int maxBytes, CancellationTokenSource activity, TimeSpan activityTimeout) =>
        ReadAsync(content, maxBytes, activity, activityTimeout, activity.Token);

    private static async Task<byte[]?> ReadAsync(HttpContent content, int maxBytes, CancellationTokenSource? activity, TimeSpan activityTimeout, CancellationToken cancellationToken)
    {
        if (content.Headers.ContentLength > maxBytes)
        {
            return null;
        }

        activity?.CancelAfter(activityTimeout);
        await using var stream = await content.ReadAsStreamAsync(cancellationToken);
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await stream.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > maxBytes)
            {
                return null;
            }

            buffer.Write(chunk, 0, read);
            activity?.CancelAfter(activityTimeout);
        }

        return buffer.ToArray();
    }
}
