using System.Diagnostics;
using System.Net;
using Collage.Tests.Functional.Infrastructure;
using Collage.Tests.Functional.Observability;

namespace Collage.Tests.Functional.Access;

/// <summary>
/// The htpasswd file as a Kubernetes Secret volume mounts it: <c>htpasswd -> ..data/htpasswd</c>, and an update swaps
/// the <c>..data</c> symlink to a new folder. A rotated password (a file of the very same length: bcrypt hashes are
/// all 60 characters) is taken within a bounded poll.
/// </summary>
public sealed class HtpasswdSecretVolumeTests
{
    [Fact]
    public async Task SecretSymlinkSwap_RotatedPasswordSameLength_Taken()
    {
        var volume = Directory.CreateTempSubdirectory("collage-secret-").FullName;
        try
        {
            await using var upstream = await AccessUpstream.StartAsync();
            var first = $"alice:{BCrypt.Net.BCrypt.HashPassword("first-password", 5)}\n";
            var second = $"alice:{BCrypt.Net.BCrypt.HashPassword("other-password", 5)}\n";
            second.Length.Should().Be(first.Length);
            await WriteVersionAsync(volume, "..2026_12_01_v1", first);
            File.CreateSymbolicLink(Path.Combine(volume, "..data"), "..2026_12_01_v1");
            File.CreateSymbolicLink(Path.Combine(volume, "htpasswd"), Path.Combine("..data", "htpasswd"));
            await using var collage = await CollageServer.StartAsync(new
            {
                mappings = new Dictionary<string, string> { ["/"] = $"http://{upstream.Authority}/up" },
                access = new { htpasswd = Path.Combine(volume, "htpasswd"), authenticated = new[] { "**" }, loginAttempts = 100_000 },
            });
            (await collage.Client.StatusAsync("/v2/team/app/manifests/v1", "alice:first-password")).Should().Be(HttpStatusCode.OK);

            await WriteVersionAsync(volume, "..2026_12_01_v2", second);
            File.CreateSymbolicLink(Path.Combine(volume, "..data_tmp"), "..2026_12_01_v2");
            using (var rename = Process.Start("mv", ["-T", Path.Combine(volume, "..data_tmp"), Path.Combine(volume, "..data")]))
            {
                await rename.WaitForExitAsync();
                rename.ExitCode.Should().Be(0);
            }

            (await Eventually.GetAsync(
                () => collage.Client.StatusAsync("/v2/team/app/manifests/v1", "alice:other-password"),
                s => s == HttpStatusCode.OK,
                TimeSpan.FromSeconds(10))).Should().Be(HttpStatusCode.OK);
            (await collage.Client.StatusAsync("/v2/team/app/manifests/v1", "alice:first-password")).Should().Be(HttpStatusCode.Unauthorized);
        }
        finally
        {
            Directory.Delete(volume, recursive: true);
        }
    }

    private static async Task WriteVersionAsync(string volume, string version, string content)
    {
        Directory.CreateDirectory(Path.Combine(volume, version));
        await File.WriteAllTextAsync(Path.Combine(volume, version, "htpasswd"), content);
    }
}
