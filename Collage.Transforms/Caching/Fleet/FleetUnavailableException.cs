namespace Collage.Transforms.Caching.Fleet;

/// <summary>
/// Redis could not be used (unreachable, timed out, its circuit open). The message names the operation and the kind
/// of failure, never the address or password: it is logged.
/// </summary>
internal sealed class FleetUnavailableException(string message, Exception? inner = null) : Exception(message, inner);
