using Collage.Tests.Access.Oidc;
using Collage.Transforms.Access;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Collage.Tests.Access;

/// <summary>
/// The valid tokens <see cref="OidcTokens"/> remembers, so a client sending the same JWT on every request costs a
/// lookup and not a signature check: counted by the checks the handler ran, bounded, and never longer than the token.
/// </summary>
public sealed class OidcTokensCacheTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _time = new();
    private TestIdentityProvider _idp = null!;
    private OidcTokens _tokens = null!;

    public async Task InitializeAsync()
    {
        _idp = await TestIdentityProvider.StartAsync(_time);
        _tokens = new OidcTokens(_idp.Options(), _time, NullLogger.Instance, capacity: 3);
    }

    public async Task DisposeAsync()
    {
        _tokens.Dispose();
        await _idp.DisposeAsync();
    }

    [Fact]
    public async Task ValidateAsync_SameTokenAgain_NoSecondSignatureCheck()
    {
        var token = _idp.Mint("alice", groups: ["platform"]);

        var first = await Validate(token);
        for (var i = 0; i < 20; i++)
        {
            (await Validate(token)).Should().Be(first);
        }

        _tokens.SignatureChecks.Should().Be(1);
        _idp.JwksFetches.Should().Be(1);
    }

    [Fact]
    public async Task ValidateAsync_RememberedTokenPastItsExpiry_CheckedAgainAndRefused()
    {
        var token = _idp.Mint("alice", lifetime: TimeSpan.FromMinutes(1));
        (await Validate(token)).Should().NotBeNull();

        _time.Advance(TimeSpan.FromMinutes(1));
        (await Validate(token)).Should().NotBeNull("at exp, within the clock skew: checked again, and valid");
        _tokens.SignatureChecks.Should().Be(2, "the remembered login ended at exp");

        _time.Advance(TimeSpan.FromMinutes(1) + TimeSpan.FromSeconds(1));
        (await Validate(token)).Should().BeNull();
    }

    [Fact]
    public async Task ValidateAsync_AlteredCopyOfARememberedToken_CheckedAndRefused()
    {
        var token = _idp.Mint("alice");
        (await Validate(token)).Should().NotBeNull();
        var parts = token.Split('.');
        var forged = TestIdentityProvider.Encode(TestIdentityProvider.Header(_idp.RsaKey), _idp.Claims("admin"), _ => []).Split('.')[1];

        (await Validate($"{parts[0]}.{forged}.{parts[2]}")).Should().BeNull();
        (await Validate(token[..^2] + (token[^2] == 'A' ? "BA" : "AA"))).Should().BeNull();
        _tokens.SignatureChecks.Should().Be(3);
    }

    [Fact]
    public async Task ValidateAsync_MoreTokensThanTheCapacity_BoundHolds_AllStillValid()
    {
        var tokens = Enumerable.Range(0, 5).Select(i => _idp.Mint($"user-{i}")).ToList();

        foreach (var token in tokens)
        {
            (await Validate(token)).Should().NotBeNull();
            _tokens.Remembered.Should().BeLessThanOrEqualTo(3);
        }

        foreach (var token in tokens)
        {
            (await Validate(token))!.User.Should().StartWith("user-");
        }

        _tokens.Remembered.Should().BeLessThanOrEqualTo(3);
    }

    [Fact]
    public async Task ValidateAsync_CapacityReachedWithExpiredTokens_ExpiredMakeRoom()
    {
        var shortLived = Enumerable.Range(0, 3).Select(i => _idp.Mint($"short-{i}", lifetime: TimeSpan.FromSeconds(30))).ToList();
        foreach (var token in shortLived)
        {
            await Validate(token);
        }

        _time.Advance(TimeSpan.FromMinutes(1));
        var lasting = _idp.Mint("lasting");
        await Validate(lasting);
        var again = _idp.Mint("again");
        await Validate(again);

        _tokens.Remembered.Should().Be(2, "the three expired went; the two valid stay");
        var checks = _tokens.SignatureChecks;
        await Validate(lasting);
        _tokens.SignatureChecks.Should().Be(checks);
    }

    private ValueTask<OidcLogin?> Validate(string token) => _tokens.ValidateAsync(token, CancellationToken.None);
}
