using Microsoft.AspNetCore.Connections;

namespace Collage.Tests.Common;

/// <summary>
/// Kestrel connection middleware that counts TCP connections (open now, in total, at most at once), so a test
/// can see whether a client released its connections.
/// </summary>
internal sealed class ConnectionCounter
{
    private int _open;
    private int _total;
    private int _peak;

    public int Open => Volatile.Read(ref _open);

    public int Total => Volatile.Read(ref _total);

    public int Peak => Volatile.Read(ref _peak);

    public ConnectionDelegate Middleware(ConnectionDelegate next) => async connection =>
    {
        Interlocked.Increment(ref _total);
        var open = Interlocked.Increment(ref _open);
        int peak;
        while (open > (peak = Volatile.Read(ref _peak)) && Interlocked.CompareExchange(ref _peak, open, peak) != peak)
        {
        }

        try
        {
            await next(connection);
        }
        finally
        {
            Interlocked.Decrement(ref _open);
        }
    };
}
