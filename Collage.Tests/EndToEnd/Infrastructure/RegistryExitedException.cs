namespace Collage.Tests.EndToEnd.Infrastructure;

/// <summary>A registry process exited before it answered; the message carries its logs.</summary>
internal sealed class RegistryExitedException(string message) : Exception(message);
