using System.Net;
using Collage.Transforms.Configuration;
using Collage.Transforms.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;

namespace Collage.Transforms.Access;

/// <summary>
/// An OIDC issuer's signing keys: its discovery document, then the JWKS it names, read by Microsoft.IdentityModel
/// (<see cref="OpenIdConnectConfigurationRetriever"/> over an <see cref="HttpDocumentRetriever"/>), kept and read again
/// on Collage's clock. The first read is waited for (at most <see cref="FetchTimeout"/>); later ones run in the
/// background while the keys in hand stay in force (stale keys are better than none); a failed read is tried again
/// <see cref="RetryDelay"/> later at the earliest, so an issuer that is down or hangs costs one request per delay, not
/// one per login. The issuer going away and coming back is logged once each way.
/// </summary>
/// <remarks>
/// Not the library's <c>ConfigurationManager</c>, which 8.x makes awkward here: its clock is an internal field (the
/// refresh cannot follow an injected <see cref="TimeProvider"/>); the refresh an unknown <c>kid</c> asks for runs in
/// the background, so the very token that brought the new key is refused; before a first good read every call reads
/// again, one after another behind a lock; and its automatic refresh cannot be under 5 minutes. The document retriever
/// also ignores cancellation, so the bound here is the <see cref="HttpClient.Timeout"/> and a wait on the read.
/// </remarks>
internal sealed partial class OidcKeys : IDisposable
{
    /// <summary>The longest one read (discovery document and JWKS) is waited for.</summary>
    internal static readonly TimeSpan FetchTimeout = TimeSpan.FromSeconds(10);

    /// <summary>How long after a failed read the next one may start.</summary>
    internal static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(10);

    /// <summary>At most one read per this for tokens signed by a key the JWKS does not have.</summary>
    internal static readonly TimeSpan UnknownKeyDelay = TimeSpan.FromMinutes(1);

    private readonly AccessOidcOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly HttpClient _http;
    private readonly HttpDocumentRetriever _retriever;
    private readonly string _address;
    private readonly Lock _lock = new();
    private volatile OpenIdConnectConfiguration? _current;
    private Task<OpenIdConnectConfiguration?> _reading = Task.FromResult<OpenIdConnectConfiguration?>(null);
    private DateTimeOffset _refreshAt = DateTimeOffset.MinValue;
    private DateTimeOffset _retryAt = DateTimeOffset.MinValue;
    private DateTimeOffset _unknownKeyReadAt = DateTimeOffset.MinValue;
    private bool _down;
    private string _keyIds = string.Empty;

    public OidcKeys(AccessOidcOptions options, TimeProvider time, ILogger logger)
    {
        _options = options;
        _time = time;
        _logger = logger;
        _http = new HttpClient(new SocketsHttpHandler
        {
            UseProxy = true,
            ConnectTimeout = FetchTimeout,
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            AutomaticDecompression = DecompressionMethods.All,

            // The issuer's own CA beside the system's, checked as an upstream's caFile is.
            SslOptions = options.CaFile is { } caFile
                ? new() { RemoteCertificateValidationCallback = new Upstreams.UpstreamCertificateValidator(new Uri(options.Issuer).Authority, new UpstreamOptions { CaFile = caFile }, NullLogger<Upstreams.UpstreamCertificateValidator>.Instance).Validate }
                : new(),
        })
        {
            Timeout = FetchTimeout,
            MaxResponseContentBufferSize = 1 << 20,
        };
        _retriever = new HttpDocumentRetriever(_http)
        {
            RequireHttps = options.Issuer.StartsWith("https://", StringComparison.OrdinalIgnoreCase),
            SendAdditionalHeaderData = false,
        };
        _address = options.Issuer.TrimEnd('/') + "/.well-known/openid-configuration";
    }

    /// <summary>The read in flight, or a completed task: what a test awaits after a background read started.</summary>
    internal Task Reading
    {
        get
        {
            lock (_lock)
            {
                return _reading;
            }
        }
    }

    /// <summary>
    /// The keys in force: read first when there are none yet, read again in the background once
    /// <see cref="AccessOidcOptions.MetadataRefresh"/> has passed. Null while the issuer has not answered.
    /// </summary>
    public async ValueTask<OpenIdConnectConfiguration?> CurrentAsync(CancellationToken cancellationToken)
    {
        var current = _current;
        var now = _time.GetUtcNow();
        Task<OpenIdConnectConfiguration?> reading;
        lock (_lock)
        {
            if (current is not null)
            {
                if (now >= _refreshAt && now >= _retryAt)
                {
                    StartLocked();
                }

                return current;
            }

            if (now < _retryAt)
            {
                return null;
            }

            reading = StartLocked();
        }

        return await reading.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// After a token was signed by a key <paramref name="seen"/> lacks: keys newer than <paramref name="seen"/>,
    /// read now and waited for (joining a read in flight), at most once per <see cref="UnknownKeyDelay"/>; null when
    /// there are none.
    /// </summary>
    public async ValueTask<OpenIdConnectConfiguration?> NewerThanAsync(OpenIdConnectConfiguration seen, CancellationToken cancellationToken)
    {
        Task<OpenIdConnectConfiguration?> reading;
        lock (_lock)
        {
            if (!ReferenceEquals(_current, seen))
            {
                return _current;
            }

            var now = _time.GetUtcNow();
            if (!_reading.IsCompleted)
            {
                reading = _reading;
            }
            else if (now - _unknownKeyReadAt < UnknownKeyDelay || now < _retryAt)
            {
                return null;
            }
            else
            {
                _unknownKeyReadAt = now;
                reading = StartLocked();
            }
        }

        var fresh = await reading.WaitAsync(cancellationToken).ConfigureAwait(false);
        return ReferenceEquals(fresh, seen) ? null : fresh;
    }

    public void Dispose() => _http.Dispose();

    // One read at a time: a read in flight is joined.
    private Task<OpenIdConnectConfiguration?> StartLocked()
    {
        if (_reading.IsCompleted)
        {
            _reading = Task.Run(ReadAsync);
        }

        return _reading;
    }

    private async Task<OpenIdConnectConfiguration?> ReadAsync()
    {
        // The retriever ignores cancellation: the read is bounded by the HttpClient's timeout (each request) and by
        // this wait (the two together); a read given up on ends by the timeout, its failure observed here.
        var read = OpenIdConnectConfigurationRetriever.GetAsync(_address, _retriever, CancellationToken.None);
        _ = read.ContinueWith(static t => t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
        try
        {
            var configuration = await read.WaitAsync(FetchTimeout, _time).ConfigureAwait(false);
            if (!string.Equals(configuration.Issuer, _options.Issuer, StringComparison.Ordinal))
            {
                throw new InvalidDataException("its discovery document names another issuer");
            }

            if (configuration.SigningKeys.Count == 0)
            {
                throw new InvalidDataException("its JWKS has no signing keys");
            }

            Accept(configuration);
            return configuration;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            Fail(ex);
            return _current;
        }
    }

    private void Accept(OpenIdConnectConfiguration configuration)
    {
        var keyIds = string.Join(' ', configuration.SigningKeys.Select(k => k.KeyId).Order(StringComparer.Ordinal));
        bool news;
        lock (_lock)
        {
            _current = configuration;
            _refreshAt = _time.GetUtcNow() + _options.MetadataRefresh;
            _retryAt = DateTimeOffset.MinValue;
            news = _down || !string.Equals(keyIds, _keyIds, StringComparison.Ordinal);
            _down = false;
            _keyIds = keyIds;
        }

        if (news)
        {
            LogKeysRead(_logger, _options.Issuer, configuration.SigningKeys.Count);
        }
    }

    private void Fail(Exception ex)
    {
        bool wentDown;
        lock (_lock)
        {
            _retryAt = _time.GetUtcNow() + RetryDelay;
            wentDown = !_down;
            _down = true;
        }

        if (wentDown)
        {
            var meanwhile = _current is null
                ? "every token from it is refused until it answers"
                : "tokens are checked against the keys it gave before";
            LogUnreachable(_logger, _options.Issuer, Reason(ex), meanwhile);
        }
    }

    // What went wrong, without the answer's body (the library's messages quote it) or anything else it sent.
    private static string Reason(Exception ex)
    {
        for (Exception? e = ex; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case InvalidDataException:
                    return e.Message;
                case TimeoutException or TaskCanceledException:
                    return $"no answer within {FetchTimeout.TotalSeconds:0} s";
                case HttpRequestException { StatusCode: { } status }:
                    return $"HTTP {(int)status}";
                case HttpRequestException http:
                    return $"{http.HttpRequestError}";
            }

            if (e.Data["status_code"] is HttpStatusCode code)
            {
                return $"HTTP {(int)code}";
            }
        }

        return $"an answer that is not a discovery document or JWKS ({ex.GetType().Name})";
    }

    [LoggerMessage(EventId = EventIds.OidcKeysRead, Level = LogLevel.Information, Message = "Access control: OIDC issuer {Issuer} gave {Keys} signing keys")]
    private static partial void LogKeysRead(ILogger logger, string issuer, int keys);

    [LoggerMessage(EventId = EventIds.OidcIssuerUnreachable, Level = LogLevel.Warning, Message = "Access control: OIDC issuer {Issuer} did not give its keys ({Reason}); {Meanwhile}")]
    private static partial void LogUnreachable(ILogger logger, string issuer, string reason, string meanwhile);
}
