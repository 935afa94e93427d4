using Collage.Tests.Common;
using Collage.Transforms.Access;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace Collage.Tests.Access;

/// <summary>
/// <see cref="HtpasswdUsers"/> on a real file: bcrypt checks, a re-read at most once a second when the file changed,
/// the last good users kept (and a warning) when an edit does not parse.
/// </summary>
public sealed class HtpasswdUsersTests : IDisposable
{
    private static readonly string AliceHash = BCrypt.Net.BCrypt.HashPassword("wonderland", 4);
    private static readonly string BobHash = BCrypt.Net.BCrypt.HashPassword("builder", 4);

    private readonly string _directory = Directory.CreateTempSubdirectory("collage-htpasswd-").FullName;
    private readonly FakeTimeProvider _time = new();
    private readonly RecordingLogger<HtpasswdUsers> _logger = new();

    private string FilePath => Path.Combine(_directory, "htpasswd");

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void Verify_RightPassword_True_WrongOrUnknown_False()
    {
        File.WriteAllText(FilePath, $"alice:{AliceHash.Replace("$2a$", "$2y$", StringComparison.Ordinal)}\nbob:{BobHash}\n");
        var users = new HtpasswdUsers(FilePath, _time, _logger);

        users.Verify("alice", "wonderland").Should().BeTrue("htpasswd writes $2y$, which is $2a$ under another name");
        users.Verify("bob", "builder").Should().BeTrue();
        users.Verify("alice", "builder").Should().BeFalse();
        users.Verify("alice", "Wonderland").Should().BeFalse();
        users.Verify("alice", string.Empty).Should().BeFalse();
        users.Verify("mallory", "wonderland").Should().BeFalse();
        users.Verify("Alice", "wonderland").Should().BeFalse();
        _logger.Entries.Should().ContainSingle(e => e.Level == LogLevel.Information && e.Message.Contains("2 users read from", StringComparison.Ordinal));
    }

    [Fact]
    public void Verify_ChangedFile_ReadAgainAfterASecond()
    {
        File.WriteAllText(FilePath, $"alice:{AliceHash}\n");
        var users = new HtpasswdUsers(FilePath, _time, _logger);
        users.Verify("alice", "wonderland").Should().BeTrue();
        var version = users.Version;

        File.WriteAllText(FilePath, $"alice:{AliceHash}\nbob:{BobHash}\n");
        users.Verify("bob", "builder").Should().BeFalse("the file is looked at again at most once a second");
        _time.Advance(TimeSpan.FromSeconds(1));

        users.Verify("bob", "builder").Should().BeTrue();
        users.Version.Should().BeGreaterThan(version);
    }

    [Fact]
    public void Verify_UserRemoved_RefusedAfterReRead()
    {
        File.WriteAllText(FilePath, $"alice:{AliceHash}\nbob:{BobHash}\n");
        var users = new HtpasswdUsers(FilePath, _time, _logger);
        users.Verify("bob", "builder").Should().BeTrue();

        File.WriteAllText(FilePath, $"alice:{AliceHash}\n");
        _time.Advance(TimeSpan.FromSeconds(1));

        users.Verify("bob", "builder").Should().BeFalse();
        users.Verify("alice", "wonderland").Should().BeTrue();
    }

    [Fact]
    public void Verify_BrokenEdit_LastGoodUsersStay_WarningNamesLineNotHash()
    {
        File.WriteAllText(FilePath, $"alice:{AliceHash}\n");
        var users = new HtpasswdUsers(FilePath, _time, _logger);
        users.Verify("alice", "wonderland").Should().BeTrue();
        var version = users.Version;

        File.WriteAllText(FilePath, $"alice:{AliceHash}\nbob:{{SHA}}secret-sha1-value\n");
        _time.Advance(TimeSpan.FromSeconds(1));

        users.Verify("alice", "wonderland").Should().BeTrue("the last good file stays in force");
        users.Verify("bob", "builder").Should().BeFalse();
        users.Version.Should().Be(version, "cached logins of the good file stay valid");
        var warning = _logger.Entries.Should().ContainSingle(e => e.Level == LogLevel.Warning).Which.Message;
        warning.Should().Contain(FilePath).And.Contain("line 2").And.Contain("last good users stay in force");
        warning.Should().NotContain("secret-sha1-value").And.NotContain(AliceHash);
    }

    [Fact]
    public void Verify_FileDeleted_LastGoodUsersStay()
    {
        File.WriteAllText(FilePath, $"alice:{AliceHash}\n");
        var users = new HtpasswdUsers(FilePath, _time, _logger);
        users.Verify("alice", "wonderland").Should().BeTrue();

        File.Delete(FilePath);
        _time.Advance(TimeSpan.FromSeconds(1));

        users.Verify("alice", "wonderland").Should().BeTrue();
        _logger.Entries.Should().Contain(e => e.Level == LogLevel.Warning && e.Message.Contains("FileNotFoundException", StringComparison.Ordinal));
    }

    [Fact]
    public void Verify_FixedAfterBrokenEdit_ReadAgain()
    {
        File.WriteAllText(FilePath, $"alice:{AliceHash}\n");
        var users = new HtpasswdUsers(FilePath, _time, _logger);
        users.Verify("alice", "wonderland").Should().BeTrue();
        File.WriteAllText(FilePath, "garbage\n");
        _time.Advance(TimeSpan.FromSeconds(1));
        users.Verify("alice", "wonderland").Should().BeTrue();

        File.WriteAllText(FilePath, $"bob:{BobHash}\n");
        _time.Advance(TimeSpan.FromSeconds(1));

        users.Verify("bob", "builder").Should().BeTrue();
        users.Verify("alice", "wonderland").Should().BeFalse();
    }

    [Fact]
    public void Verify_UnknownUser_CheckedAtTheFilesCost()
    {
        // Timing must not tell an unknown name from a known one with a wrong password.
        var cost10 = BCrypt.Net.BCrypt.HashPassword("x", 10);
        File.WriteAllText(FilePath, $"alice:{cost10}\nbob:{BCrypt.Net.BCrypt.HashPassword("y", 10)}\ncarol:{BobHash}\n");
        var users = new HtpasswdUsers(FilePath, _time, _logger);
        users.DummyCost.Should().Be(5, "htpasswd -B's default before the file is read");

        users.Verify("mallory", "x").Should().BeFalse();

        users.DummyCost.Should().Be(10, "most of the file's hashes are cost 10");
        File.WriteAllText(FilePath, $"carol:{BobHash}\n");
        _time.Advance(TimeSpan.FromSeconds(1));
        users.Verify("mallory", "x").Should().BeFalse();
        users.DummyCost.Should().Be(4);
    }

    [Fact]
    public void Verify_CutBcryptHash_FileRefusedNotThrownAtLogin()
    {
        File.WriteAllText(FilePath, $"bob:{BobHash}\nalice:$2y$05$short\n");
        var users = new HtpasswdUsers(FilePath, _time, _logger);

        users.Verify("alice", "wonderland").Should().BeFalse();
        users.Verify("bob", "builder").Should().BeFalse("a file that does not parse is refused whole");
        _logger.Entries.Should().ContainSingle(e => e.Level == LogLevel.Warning && e.Message.Contains("line 2", StringComparison.Ordinal));
    }
}
