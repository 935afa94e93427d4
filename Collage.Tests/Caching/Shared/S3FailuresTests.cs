using System.Net;
using System.Net.Sockets;
using Amazon.Runtime;
using Amazon.S3;
using Collage.Transforms.Caching.Shared;
using Polly.CircuitBreaker;

namespace Collage.Tests.Caching.Shared;

public sealed class S3FailuresTests
{
    [Fact]
    public void Describe_WrappedConnectionRefused_NamesTheKindNotTheEndpoint()
    {
        var refused = new HttpRequestException(HttpRequestError.ConnectionError, "Connection refused (127.0.0.1:45678)", new SocketException((int)SocketError.ConnectionRefused));

        S3Failures.Describe(new AmazonServiceException("wrapped 127.0.0.1:45678", refused)).Should().Be("connection refused");
    }

    [Fact]
    public void Describe_ServiceError_NamesItsCodeAndStatus_WithoutItsMessage()
    {
        var error = new AmazonS3Exception("secret-looking message") { ErrorCode = "SlowDown<script>", StatusCode = HttpStatusCode.ServiceUnavailable };

        S3Failures.Describe(error).Should().Be("S3 error SlowDownscript (HTTP 503)");
    }

    [Fact]
    public void Describe_TimeoutWithAbortedSocketBelow_IsTimedOut()
    {
        var timeout = new TaskCanceledException("t", new TimeoutException("t", new IOException("io", new SocketException((int)SocketError.OperationAborted))));

        S3Failures.Describe(timeout).Should().Be("timed out");
    }

    [Fact]
    public void Describe_BrokenCircuit_NamesWhatOpenedIt()
    {
        S3Failures.Describe(new BrokenCircuitException("open", new HttpRequestException(HttpRequestError.NameResolutionError))).Should().Be("circuit open after HTTP NameResolutionError");
        S3Failures.Describe(new BrokenCircuitException()).Should().Be("circuit open");
    }

    [Fact]
    public void IsStoreFailure_CallersCancellation_IsNot_ATimeoutIs()
    {
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();

        S3Failures.IsStoreFailure(new OperationCanceledException(), cancelled.Token).Should().BeFalse();
        S3Failures.IsStoreFailure(new TaskCanceledException(), CancellationToken.None).Should().BeTrue();
        S3Failures.IsStoreFailure(new ArgumentException("bug"), CancellationToken.None).Should().BeFalse();
    }

    [Fact]
    public void IsNotFound_NoSuchKey_IsNoSuchBucketIsNot()
    {
        S3Failures.IsNotFound(new AmazonS3Exception("x") { StatusCode = HttpStatusCode.NotFound, ErrorCode = "NoSuchKey" }).Should().BeTrue();
        S3Failures.IsNotFound(new AmazonS3Exception("x") { StatusCode = HttpStatusCode.NotFound, ErrorCode = "NoSuchBucket" }).Should().BeFalse();
        S3Failures.IsNotFound(new AmazonS3Exception("x") { StatusCode = HttpStatusCode.Forbidden }).Should().BeFalse();
    }
}
