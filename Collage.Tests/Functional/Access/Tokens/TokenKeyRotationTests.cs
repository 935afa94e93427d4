using System.Net;
using System.Security.Cryptography;
using Collage.Tests.Access.Tokens;
using static Collage.Tests.Functional.Access.Tokens.TokenClient;

namespace Collage.Tests.Functional.Access.Tokens;

/// <summary>
/// <c>access:tokenKey</c> rewritten while Collage runs (a rotated Secret): after the next look (every 5 s by the server's
/// clock) the new key signs and tokens of the replaced key still open; a broken rewrite keeps the last good key, and
/// the endpoint and token checks go on answering.
/// </summary>
public sealed class TokenKeyRotationTests : IAsyncLifetime
{
    private static readonly TimeSpan Look = TimeSpan.FromSeconds(5);
    private readonly string _keyFile = Path.Combine(Path.GetTempPath(), $"collage-token-key-{Guid.NewGuid():N}.pem");
    private int _writes;
    private TokenGateway _gateway = null!;

    public async Task InitializeAsync()
    {
        Write(NewKey());
        _gateway = await TokenGateway.StartAsync(access: a => a["tokenKey"] = _keyFile);
    }

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        File.Delete(_keyFile);
    }

    [Fact]
    public async Task Rotated_NewKeySigns_OldTokensStillOpen()
    {
        var old = await TokenAsync();
        Write(NewKey());
        _gateway.Time.Advance(Look);

        var rotated = await TokenAsync();

        Kid(rotated).Should().NotBe(Kid(old));
        (await StatusAsync(rotated)).Should().Be(HttpStatusCode.OK);
        (await StatusAsync(old)).Should().Be(HttpStatusCode.OK, "signed by the key just replaced");
    }

    [Theory]
    [InlineData("")]
    [InlineData("garbage")]
    [InlineData("-----BEGIN EC PRIVATE KEY-----\nbm90IGEga2V5\n-----END EC PRIVATE KEY-----\n")]
    public async Task BrokenRewrite_KeepsTheLastGoodKey_EndpointAnswers(string broken)
    {
        var before = await TokenAsync();
        Write(broken);
        _gateway.Time.Advance(Look);

        var answer = await _gateway.Client.GetTokenAsync(TokenGateway.Alice, [Pull("internal/b")]);

        answer.Status.Should().Be(HttpStatusCode.OK, "a broken edit never takes the token endpoint down");
        Kid(answer.Token).Should().Be(Kid(before));
        (await StatusAsync(before)).Should().Be(HttpStatusCode.OK);
        (await StatusAsync(answer.Token)).Should().Be(HttpStatusCode.OK);
    }

    private static string NewKey()
    {
        using var ec = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        return ec.ExportECPrivateKeyPem();
    }

    private static string Kid(string jwt) => ForgedTokens.Header(jwt)["kid"]!.ToString();

    private async Task<string> TokenAsync() => (await _gateway.Client.GetTokenAsync(TokenGateway.Alice, [Pull("internal/b")])).Token;

    private async Task<HttpStatusCode> StatusAsync(string token)
    {
        using var response = await _gateway.Client.WithTokenAsync("/v2/internal/b/manifests/v1", token);
        return response.StatusCode;
    }

    private void Write(string pem)
    {
        File.WriteAllText(_keyFile, pem);
        File.SetLastWriteTimeUtc(_keyFile, new DateTime(2025, 1, 1, 0, 0, 0, DateTimeKind.Utc).AddMinutes(++_writes));
    }
}
