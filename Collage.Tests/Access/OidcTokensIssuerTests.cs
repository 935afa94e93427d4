using Collage.Tests.Access.Oidc;
using Collage.Tests.Common;
using Collage.Transforms.Access;
using Collage.Transforms.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace Collage.Tests.Access;

/// <summary>
/// <see cref="OidcTokens"/> and its issuer's keys over time, counted at the issuer
/// (<see cref="TestIdentityProvider"/>): rotation, the periodic re-read, and an issuer that is down, slow, or answers
/// garbage, with what is logged about it.
/// </summary>
public sealed class OidcTokensIssuerTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _time = new();
    private readonly RecordingLogger<OidcTokens> _log = new();
    private TestIdentityProvider _idp = null!;
    private OidcTokens _tokens = null!;

    public async Task InitializeAsync()
    {
        _idp = await TestIdentityProvider.StartAsync(_time);
        _tokens = new OidcTokens(_idp.Options(), _time, _log);
    }

    public async Task DisposeAsync()
    {
        _tokens.Dispose();
        await _idp.DisposeAsync();
    }

    private IEnumerable<LogEntry> Warnings => _log.Entries.Where(e => e.EventId.Id == EventIds.OidcIssuerUnreachable);

    [Fact]
    public async Task ValidateAsync_KeyRotatedIn_FirstTokenWithTheNewKidAccepted_OneMoreJwksRead()
    {
        (await Validate(_idp.Mint("alice"))).Should().NotBeNull();
        _idp.JwksFetches.Should().Be(1);

        var rotated = _idp.Rotate();
        var login = await Validate(_idp.Mint("alice", key: rotated));

        login.Should().NotBeNull("a kid the keys in hand lack has the JWKS read again, and the token waits for it");
        _idp.JwksFetches.Should().Be(2);
        (await Validate(_idp.Mint("bob", key: rotated))).Should().NotBeNull();
        (await Validate(_idp.Mint("bob"))).Should().NotBeNull("the old key is still published");
        _idp.JwksFetches.Should().Be(2);
    }

    [Fact]
    public async Task ValidateAsync_UnknownKids_JwksReadAtMostOncePerMinute()
    {
        await Validate(_idp.Mint("alice"));

        for (var i = 0; i < 5; i++)
        {
            (await Validate(_idp.Mint("mallory", key: _idp.Rogue($"forged-{i}")))).Should().BeNull();
        }

        _idp.JwksFetches.Should().Be(2, "the first unknown kid reads the JWKS again, the next ones within the minute do not");
        var rotated = _idp.Rotate();
        (await Validate(_idp.Mint("alice", key: rotated))).Should().BeNull("a real new key within the same minute waits for the next read");

        _time.Advance(OidcKeys.UnknownKeyDelay);
        (await Validate(_idp.Mint("alice", key: rotated))).Should().NotBeNull();
        _idp.JwksFetches.Should().Be(3);
    }

    [Fact]
    public async Task ValidateAsync_MetadataRefreshPassed_KeysReadAgainInTheBackground_RetiredKeyRefused()
    {
        var rotated = _idp.Rotate();
        (await Validate(_idp.Mint("alice"))).Should().NotBeNull();
        _idp.Retire(_idp.RsaKey);
        _time.Advance(TimeSpan.FromMinutes(59));
        (await Validate(_idp.Mint("bob"))).Should().NotBeNull("within metadataRefresh the keys in hand hold");
        _idp.JwksFetches.Should().Be(1);

        _time.Advance(TimeSpan.FromMinutes(1));
        var token = _idp.Mint("carol");
        (await Validate(token)).Should().NotBeNull("the re-read runs in the background; this token is checked against the keys in hand");
        await _tokens.KeysReading;

        _idp.JwksFetches.Should().Be(2);
        (await Validate(_idp.Mint("dave"))).Should().BeNull("rsa-1 is no longer published");
        (await Validate(token)).Should().BeNull("a remembered token holds only while the keys it was checked against are in force");
        (await Validate(_idp.Mint("erin", key: rotated))).Should().NotBeNull();
    }

    [Fact]
    public async Task ValidateAsync_IssuerUnreachable_NullAndOneWarning()
    {
        var options = _idp.Options();
        var token = _idp.Mint("alice");
        await _idp.DisposeAsync();
        _idp = await TestIdentityProvider.StartAsync(_time);
        using var tokens = new OidcTokens(options, _time, _log);

        for (var i = 0; i < 5; i++)
        {
            (await tokens.ValidateAsync(token, CancellationToken.None)).Should().BeNull();
        }

        _time.Advance(OidcKeys.RetryDelay);
        (await tokens.ValidateAsync(token, CancellationToken.None)).Should().BeNull();

        var warning = Warnings.Should().ContainSingle("once when the issuer went away, not per login").Subject;
        warning.Level.Should().Be(LogLevel.Warning);
        warning.Message.Should().Contain(options.Issuer).And.Contain("ConnectionError").And.Contain("refused until it answers");
    }

    [Fact]
    public async Task ValidateAsync_IssuerAnswers503ThenRecovers_RefusedThenAccepted_LoggedOnceEachWay()
    {
        _idp.Fault = IdpFault.Unavailable;
        var token = _idp.Mint("alice");
        for (var i = 0; i < 3; i++)
        {
            (await Validate(token)).Should().BeNull();
        }

        var requests = _idp.Requests;
        requests.Should().Be(2, "one read, which the library's retriever tries twice on a 503; none for the next logins");
        _idp.Fault = IdpFault.None;
        (await Validate(token)).Should().BeNull("the next read waits for the retry delay");
        _idp.Requests.Should().Be(requests);

        _time.Advance(OidcKeys.RetryDelay);
        (await Validate(token)).Should().NotBeNull();

        Warnings.Should().ContainSingle().Which.Message.Should().Contain("HTTP 503");
        _log.Entries.Where(e => e.EventId.Id == EventIds.OidcKeysRead).Should().ContainSingle().Which.Level.Should().Be(LogLevel.Information);
    }

    [Fact]
    public async Task ValidateAsync_IssuerDownAfterKeysWereRead_KeysInHandStillCheckTokens()
    {
        (await Validate(_idp.Mint("alice"))).Should().NotBeNull();
        _idp.Fault = IdpFault.Unavailable;
        _time.Advance(TimeSpan.FromHours(1));

        (await Validate(_idp.Mint("bob"))).Should().NotBeNull();
        await _tokens.KeysReading;
        (await Validate(_idp.Mint("carol"))).Should().NotBeNull("stale keys are better than none");
        (await Validate(_idp.Mint("mallory", audience: "other"))).Should().BeNull();

        Warnings.Should().ContainSingle().Which.Message.Should().Contain("checked against the keys it gave before");
    }

    [Fact]
    public async Task ValidateAsync_IssuerHangs_NullOnceTheFetchTimeoutPasses()
    {
        _idp.Fault = IdpFault.Hang;
        var token = _idp.Mint("alice");

        var validation = Validate(token).AsTask();
        (await _idp.WaitForHungRequestAsync()).Should().BeTrue();
        validation.IsCompleted.Should().BeFalse("the first read is waited for");
        _time.Advance(OidcKeys.FetchTimeout);

        (await validation.WaitAsync(TimeSpan.FromSeconds(10))).Should().BeNull();
        Warnings.Should().ContainSingle().Which.Message.Should().Contain("no answer within 10 s");
    }

    [Fact]
    public async Task ValidateAsync_CallerCancelsWhileTheIssuerHangs_Cancelled()
    {
        _idp.Fault = IdpFault.Hang;
        using var cancel = new CancellationTokenSource();

        var validation = _tokens.ValidateAsync(_idp.Mint("alice"), cancel.Token).AsTask();
        (await _idp.WaitForHungRequestAsync()).Should().BeTrue();
        await cancel.CancelAsync();

        await validation.Invoking(v => v.WaitAsync(TimeSpan.FromSeconds(10))).Should().ThrowAsync<OperationCanceledException>();
    }

    [Fact]
    public async Task ValidateAsync_IssuerAnswersGarbage_Null_WarningQuotesNothingOfIt()
    {
        _idp.Fault = IdpFault.Garbage;

        (await Validate(_idp.Mint("alice"))).Should().BeNull();

        var warning = Warnings.Should().ContainSingle().Subject;
        warning.Message.Should().Contain("not a discovery document or JWKS").And.NotContain("Sign in");
    }

    [Fact]
    public async Task ValidateAsync_DiscoveryNamesAnotherIssuer_Null()
    {
        _idp.DiscoveryIssuer = "https://idp.elsewhere";

        (await Validate(_idp.Mint("alice"))).Should().BeNull();

        Warnings.Should().ContainSingle().Which.Message.Should().Contain("names another issuer");
        _idp.JwksFetches.Should().Be(1, "the document was read, then refused");
    }

    [Fact]
    public async Task Logs_NameNoTokenKeyOrClaimButTheUser()
    {
        var tokens = new List<string>
        {
            _idp.Mint("alice", groups: ["secret-group"]),
            _idp.Mint("alice", audience: "other-audience", groups: ["secret-group"]),
            _idp.Mint("alice", key: _idp.Rogue("forged"), groups: ["secret-group"]),
            _idp.Mint(null, groups: ["secret-group"]),
            _idp.Mint("alice", lifetime: TimeSpan.FromSeconds(1), groups: ["secret-group"]),
        };
        foreach (var token in tokens)
        {
            await Validate(token);
        }

        _time.Advance(TimeSpan.FromMinutes(2));
        await Validate(tokens[4]);
        _idp.Fault = IdpFault.Unavailable;
        _time.Advance(TimeSpan.FromHours(2));
        await Validate(tokens[0]);
        await _tokens.KeysReading;

        _log.Entries.Count(e => e.Level == LogLevel.Debug).Should().BeGreaterThanOrEqualTo(4, "every refusal is logged");
        var text = string.Join('\n', _log.Entries.Select(e => e.Text));
        foreach (var part in tokens.SelectMany(t => t.Split('.')).Append(_idp.RsaKey.Jwk()["n"]))
        {
            text.Should().NotContain(part);
        }

        text.Should().NotContain("secret-group").And.NotContain("other-audience");
    }

    private ValueTask<OidcLogin?> Validate(string token) => _tokens.ValidateAsync(token, CancellationToken.None);
}
