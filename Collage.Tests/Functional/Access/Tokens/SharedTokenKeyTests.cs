using System.Net;
using System.Security.Cryptography;
using Collage.Tests.Access.Tokens;
using static Collage.Tests.Functional.Access.Tokens.TokenClient;

namespace Collage.Tests.Functional.Access.Tokens;

/// <summary>
/// Replicas behind one public name: with the same <c>access:tokenKey</c> file a token (and a refresh token) from one
/// Collage is accepted by the other; with generated keys it is not, though everything else about them is the same.
/// </summary>
public sealed class SharedTokenKeyTests : IAsyncLifetime
{
    private const string PublicUrl = "https://registry.corp.lan";

    private readonly string _keyFile = Path.Combine(Path.GetTempPath(), $"collage-token-key-{Guid.NewGuid():N}.pem");
    private TokenGateway _sharedOne = null!;
    private TokenGateway _sharedTwo = null!;
    private TokenGateway _generatedOne = null!;
    private TokenGateway _generatedTwo = null!;

    public async Task InitializeAsync()
    {
        using (var ec = ECDsa.Create(ECCurve.NamedCurves.nistP256))
        {
            await File.WriteAllTextAsync(_keyFile, ec.ExportECPrivateKeyPem());
        }

        _sharedOne = await TokenGateway.StartAsync(access: a => a["tokenKey"] = _keyFile, root: c => c["publicUrl"] = PublicUrl);
        _sharedTwo = await TokenGateway.StartAsync(access: a => a["tokenKey"] = _keyFile, root: c => c["publicUrl"] = PublicUrl);
        _generatedOne = await TokenGateway.StartAsync(root: c => c["publicUrl"] = PublicUrl);
        _generatedTwo = await TokenGateway.StartAsync(root: c => c["publicUrl"] = PublicUrl);
    }

    public async Task DisposeAsync()
    {
        await _sharedOne.DisposeAsync();
        await _sharedTwo.DisposeAsync();
        await _generatedOne.DisposeAsync();
        await _generatedTwo.DisposeAsync();
        File.Delete(_keyFile);
    }

    [Fact]
    public async Task SameKeyFile_TokenFromOne_AcceptedByTheOther_BothWays()
    {
        var fromOne = (await _sharedOne.Client.GetTokenAsync(TokenGateway.Alice, [Pull("internal/b")])).Token;
        var fromTwo = (await _sharedTwo.Client.GetTokenAsync(TokenGateway.Alice, [Pull("internal/b")])).Token;

        (await StatusAsync(_sharedTwo, fromOne)).Should().Be(HttpStatusCode.OK);
        (await StatusAsync(_sharedOne, fromTwo)).Should().Be(HttpStatusCode.OK);
        ForgedTokens.Header(fromOne)["kid"]!.ToString().Should().Be(ForgedTokens.Header(fromTwo)["kid"]!.ToString(), "one file, one key id");
        _sharedTwo.UpstreamRequestsFor("internal/b").Should().BePositive("the pull reached the upstream");
    }

    [Fact]
    public async Task SameKeyFile_RefreshTokenFromOne_RefreshesAtTheOther()
    {
        var refresh = (await _sharedOne.Client.PostTokenAsync(PasswordGrant(TokenGateway.Alice, true))).RefreshToken!;

        var renewed = await _sharedTwo.Client.PostTokenAsync(RefreshGrant(refresh, Pull("internal/b")));

        renewed.Status.Should().Be(HttpStatusCode.OK);
        (await StatusAsync(_sharedOne, renewed.Token)).Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task GeneratedKeys_TokenFromOne_RefusedByTheOther_NoUpstreamRequest()
    {
        var fromOne = (await _generatedOne.Client.GetTokenAsync(TokenGateway.Alice, [Pull("internal/b")])).Token;
        var refresh = (await _generatedOne.Client.GetTokenAsync(TokenGateway.Alice, [], offline: true)).RefreshToken!;

        (await StatusAsync(_generatedOne, fromOne)).Should().Be(HttpStatusCode.OK, "its own instance accepts it");
        (await StatusAsync(_generatedTwo, fromOne)).Should().Be(HttpStatusCode.Unauthorized);
        (await StatusAsync(_sharedOne, fromOne)).Should().Be(HttpStatusCode.Unauthorized, "a key file's instance neither");
        (await _generatedTwo.Client.PostTokenAsync(RefreshGrant(refresh, Pull("internal/b")))).Status.Should().Be(HttpStatusCode.Unauthorized);
        _generatedTwo.UpstreamRequestsFor("internal/b").Should().Be(0);
    }

    private static async Task<HttpStatusCode> StatusAsync(TokenGateway gateway, string token)
    {
        using var response = await gateway.Client.WithTokenAsync("/v2/internal/b/manifests/v1", token);
        return response.StatusCode;
    }
}
