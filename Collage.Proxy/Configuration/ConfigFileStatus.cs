namespace Collage.Proxy.Configuration;

/// <summary>
/// The last load error of the config file, if any. A half-written or broken file must not stop a running
/// gateway: the provider ignores the error, and the reloader reports it and keeps the last good config.
/// </summary>
internal sealed class ConfigFileStatus
{
    private volatile string? _lastError;

    public string? LastError => _lastError;

    public void Failed(Exception exception) => _lastError = exception.InnerException?.Message ?? exception.Message;

    public void Clear() => _lastError = null;
}
