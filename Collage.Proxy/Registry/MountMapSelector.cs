using Collage.Transforms.Mirroring;
using Collage.Transforms.Mounts;

namespace Collage.Proxy.Registry;

/// <summary>
/// Picks the mount map a request sees: the vhost named by containerd's <c>ns</c> query parameter when there
/// is one, else the vhost of the Host header, else the global mappings. Repository requests and
/// <c>_catalog</c> both ask here, so a mirror client sees one consistent registry.
/// </summary>
internal sealed partial class MountMapSelector(ILogger<MountMapSelector> logger)
{
    public MountMap Select(MountTable table, HttpRequest request)
    {
        if (MirrorNamespace.TryGet(request.Query, out var registryHost))
        {
            if (table.TrySelectRegistry(registryHost, out var named))
            {
                LogNamespaceSelected(logger, registryHost, named.Name);
                return named;
            }

            var byHost = table.Select(request.Host);
            LogNamespaceUnknown(logger, registryHost, byHost.Name);
            return byHost;
        }

        return table.Select(request.Host);
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Mirror request for registry {Namespace}: serving vhost {Map}")]
    private static partial void LogNamespaceSelected(ILogger logger, string @namespace, string map);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Mirror request for registry {Namespace}: no vhost has that name, serving {Map} by the Host header")]
    private static partial void LogNamespaceUnknown(ILogger logger, string @namespace, string map);
}
