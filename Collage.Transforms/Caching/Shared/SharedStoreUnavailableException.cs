namespace Collage.Transforms.Caching.Shared;

/// <summary>
/// The shared store could not be used (unreachable, refused, timed out, its circuit open). The message names the
/// operation and the kind of failure, never the endpoint, a key or a credential: it is logged.
/// </summary>
internal sealed class SharedStoreUnavailableException(string message, Exception? inner = null) : Exception(message, inner);
