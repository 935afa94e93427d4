namespace Collage.Proxy.Ui;

/// <summary>One mount's counts for <see cref="MountTraffic"/>, added to with <see cref="Interlocked"/>.</summary>
internal sealed class MountTotals
{
    /// <summary>The listener state that marks a <c>collage.requests</c> measurement.</summary>
    public static readonly object RequestsField = new();

    /// <summary>The listener state that marks a <c>collage.response.body.size</c> measurement.</summary>
    public static readonly object BytesField = new();

    /// <summary>Requests answered.</summary>
    public long Requests;

    /// <summary>Response body bytes sent.</summary>
    public long Bytes;
}
