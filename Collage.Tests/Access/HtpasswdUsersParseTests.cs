using Collage.Transforms.Access;

namespace Collage.Tests.Access;

/// <summary>
/// <see cref="HtpasswdUsers.Parse"/>: bcrypt lines only (as <c>htpasswd -B</c> writes), comments and blank lines
/// skipped; a bad line is named by its number and never by its content, which holds a hash.
/// </summary>
public sealed class HtpasswdUsersParseTests
{
    private const string Alice = "$2y$05$xAyXBrLRDV2y.5j5D0d9ieRw.WKx9MydDQEfyPJp2vd8ah16LctDS";
    private const string Bob = "$2a$04$gLNaibdhb3rbZgGLqnh2QOaZxs74Bp8E8yJJSYyeKYMXe8rhw5Yma";
    private const string Carol = "$2b$10$EawISHN6W6WJVj4407CmReTyZl6otBfwC7HsXTl//XbraX1YMI7Kq";

    [Fact]
    public void Parse_BcryptLines_EveryVariant()
    {
        var users = HtpasswdUsers.Parse([$"alice:{Alice}", $"bob:{Bob}", $"carol:{Carol}"]);

        users.Should().BeEquivalentTo(new Dictionary<string, string> { ["alice"] = Alice, ["bob"] = Bob, ["carol"] = Carol });
    }

    [Fact]
    public void Parse_CommentsBlankLinesAndSpaces_Skipped()
    {
        var users = HtpasswdUsers.Parse(["# written by htpasswd -B", "", "   ", $"  alice:{Alice}  ", "\t# bob left", $"carol:{Carol}\r"]);

        users.Keys.Should().BeEquivalentTo(["alice", "carol"]);
        users["alice"].Should().Be(Alice);
        users["carol"].Should().Be(Carol);
    }

    [Fact]
    public void Parse_EmptyFile_NoUsers()
    {
        HtpasswdUsers.Parse([]).Should().BeEmpty();
    }

    [Fact]
    public void Parse_UserTwice_LastLineWins()
    {
        HtpasswdUsers.Parse([$"alice:{Alice}", $"alice:{Bob}"])["alice"].Should().Be(Bob);
    }

    [Fact]
    public void Parse_UserNames_CaseSensitive()
    {
        HtpasswdUsers.Parse([$"alice:{Alice}", $"Alice:{Bob}"]).Should().HaveCount(2);
    }

    [Theory]
    [InlineData("alice:{SHA}W6ph5Mm5Pz8GgiULbPgzG37mj9g=", "{SHA}W6ph5Mm5Pz8GgiULbPgzG37mj9g=")]
    [InlineData("alice:$apr1$r31.....$HqJZimcKQFAMYayBlzkrA/", "$apr1$r31.....$HqJZimcKQFAMYayBlzkrA/")]
    [InlineData("alice:rOCeVt9uLnYtI", "rOCeVt9uLnYtI")]
    [InlineData("alice:plaintext-secret", "plaintext-secret")]
    [InlineData("alice:$5$rounds=5000$saltsalt$Yq4yLsQ1", "$5$rounds=5000$saltsalt$Yq4yLsQ1")]
    public void Parse_NotBcrypt_NamesLineNumberNeverTheHash(string line, string secret)
    {
        var act = () => HtpasswdUsers.Parse(["# users", $"bob:{Bob}", line]);

        var error = act.Should().Throw<FormatException>().Which;
        error.Message.Should().Contain("line 3").And.Contain("htpasswd -B");
        error.Message.Should().NotContain(secret).And.NotContain(Bob).And.NotContain("alice");
    }

    [Theory]
    [InlineData("alice")]
    [InlineData($":{Alice}")]
    [InlineData("alice:")]
    [InlineData($"alice {Alice}")]
    public void Parse_NoUserOrNoHash_NamesLineNumber(string line)
    {
        var act = () => HtpasswdUsers.Parse([line]);

        var error = act.Should().Throw<FormatException>().Which;
        error.Message.Should().Contain("line 1").And.NotContain(Alice);
    }

    [Theory]
    [InlineData("$2y$05$short")]
    [InlineData("$2y$05$xAyXBrLRDV2y.5j5D0d9ieRw.WKx9MydDQEfyPJp2vd8ah16LctD")]
    [InlineData("$2y$05$xAyXBrLRDV2y.5j5D0d9ieRw.WKx9MydDQEfyPJp2vd8ah16LctDSx")]
    [InlineData("$2y$5$xAyXBrLRDV2y.5j5D0d9ieRw.WKx9MydDQEfyPJp2vd8ah16LctDS")]
    [InlineData("$2y$99$xAyXBrLRDV2y.5j5D0d9ieRw.WKx9MydDQEfyPJp2vd8ah16LctDS")]
    [InlineData("$2x$05$xAyXBrLRDV2y.5j5D0d9ieRw.WKx9MydDQEfyPJp2vd8ah16LctDS")]
    [InlineData("$2y$05$xAyXBrLRDV2y.5j5D0d9ieRw.WKx9MydDQEfyPJp2vd8ah16Lct!S")]
    [InlineData("$2y$")]
    public void Parse_CutOrMalformedBcrypt_Refused(string hash)
    {
        // A hash cut by a bad copy and paste would otherwise throw inside the bcrypt library at each login.
        var act = () => HtpasswdUsers.Parse([$"bob:{Bob}", $"alice:{hash}"]);

        act.Should().Throw<FormatException>().Which.Message.Should().Contain("line 2").And.NotContain(hash);
    }

    [Fact]
    public void Parse_BadLineAfterGoodOnes_RefusedWhole()
    {
        // A half-read file is never taken: the caller keeps the last good users instead.
        var act = () => HtpasswdUsers.Parse([$"alice:{Alice}", $"bob:{Bob}", "carol:oops"]);

        act.Should().Throw<FormatException>().WithMessage("line 3 *");
    }
}
