namespace Collage.Proxy.Hosting;

/// <summary>
/// Runs socket continuations on the socket engine's own thread instead of queuing them to the thread pool
/// (the runtime's <c>DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS</c>), the runtime half of Kestrel's inline
/// scheduling (<see cref="ServerOptions.InlineScheduling"/>, on by default). With both, a blob chunk moves from
/// the upstream socket to the client's without a thread hop; on 2 cores that cut Collage's CPU per blob gigabyte
/// by about a quarter (bench/FINDINGS.md). The runtime then starts one socket engine per core, so one engine busy
/// with a TLS handshake does not hold up the rest.
/// </summary>
internal static class SocketCompletions
{
    /// <summary>The runtime's switch; read once, when the process first uses a socket.</summary>
    public const string Variable = "DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS";

    /// <summary>
    /// Turns inline completions on unless the environment already decides (<c>=0</c> keeps them off). Must run
    /// before the process opens its first socket; later it has no effect.
    /// </summary>
    /// <returns>Whether this call turned them on.</returns>
    public static bool EnableInlineUnlessSet()
    {
        if (Environment.GetEnvironmentVariable(Variable) is not null)
        {
            return false;
        }

        Environment.SetEnvironmentVariable(Variable, "1");
        return true;
    }
}
