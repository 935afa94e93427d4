using System.Net;
using System.Net.Sockets;
using Amazon.Runtime;
using Polly.CircuitBreaker;

namespace Collage.Transforms.Caching.Shared;

/// <summary>
/// Which exceptions of the SDK and the network mean "the store cannot be used", and a description of each that is safe
/// to log: the kind of failure from types, enums and S3 error codes only. The exceptions' own messages are never used:
/// the SDK's and the socket layer's name the endpoint (<c>Connection refused (127.0.0.1:9000)</c>) and a presigned or
/// signed request's URL may appear in them.
/// </summary>
internal static class S3Failures
{
    /// <summary>
    /// Whether <paramref name="exception"/> means the store is unusable (and counts against its circuit). A
    /// cancellation by the caller is the caller's. A "not found" of a read never gets here: the reads answer it with
    /// null (<see cref="IsNotFound"/>); of a write (a missing bucket) it is a failure.
    /// </summary>
    public static bool IsStoreFailure(Exception exception, CancellationToken callerToken) => exception switch
    {
        OperationCanceledException => !callerToken.IsCancellationRequested,
        AmazonServiceException or AmazonClientException or HttpRequestException or IOException or SocketException or TimeoutException => true,
        _ => false,
    };

    /// <summary>
    /// Whether <paramref name="exception"/> is S3's "no such key": a 404, except NoSuchBucket (a misconfigured bucket
    /// must not look like an empty cache). A HEAD's 404 has no body to tell them apart; its next write will.
    /// </summary>
    public static bool IsNotFound(Exception exception) =>
        exception is AmazonServiceException { StatusCode: HttpStatusCode.NotFound } service && service.ErrorCode != "NoSuchBucket";

    /// <summary>
    /// The kind of <paramref name="exception"/>, e.g. <c>connection refused</c>, <c>timed out</c>, <c>S3 error
    /// SlowDown (HTTP 503)</c>: the innermost transport cause when there is one, since the SDK wraps them.
    /// </summary>
    public static string Describe(Exception exception)
    {
        if (exception is BrokenCircuitException broken)
        {
            // Polly 8 carries the failure that opened the circuit as the inner exception.
            return broken.InnerException is { } cause ? $"circuit open after {Describe(cause)}" : "circuit open";
        }

        for (var current = exception; current is not null; current = current.InnerException)
        {
            // The SDK's request timeout cancels the request: the socket below reports OperationAborted, the cause is
            // the timeout (a caller's own cancellation never gets here).
            if (current is OperationCanceledException or TimeoutException)
            {
                return "timed out";
            }
        }

        for (var current = exception; current is not null; current = current.InnerException)
        {
            if (current is SocketException socket)
            {
                return socket.SocketErrorCode switch
                {
                    SocketError.ConnectionRefused => "connection refused",
                    SocketError.ConnectionReset => "connection reset",
                    SocketError.TimedOut => "connect timed out",
                    SocketError.HostNotFound or SocketError.NoData => "host not found",
                    var other => "socket error " + other,
                };
            }
        }

        return exception switch
        {
            AmazonServiceException service => $"S3 error {Safe(service.ErrorCode)} (HTTP {(int)service.StatusCode})",
            HttpRequestException http => "HTTP " + http.HttpRequestError,
            AmazonClientException { InnerException: { } inner } => Describe(inner),
            AmazonClientException => "SDK client error",
            IOException => "I/O error",
            _ => exception.GetType().Name,
        };
    }

    // An error code is the server's word; keep it to the token S3 documents (letters and digits), whatever it sent.
    private static string Safe(string? code) =>
        string.IsNullOrEmpty(code) ? "unknown" : new string([.. code.Where(char.IsAsciiLetterOrDigit).Take(64)]);
}
