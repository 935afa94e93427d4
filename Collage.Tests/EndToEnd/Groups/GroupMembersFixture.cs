using Collage.Tests.EndToEnd.Infrastructure;

namespace Collage.Tests.EndToEnd.Groups;

/// <summary>
/// Two real distribution 2.8.2 registries, the members of the groups under test (<c>http://FIRST/team</c> first,
/// <c>http://SECOND/team</c> second), seeded from one OCI layout with skopeo: <c>team/app:v1</c> on both (the same
/// digest), <c>team/only:v1</c> on the second only, and <c>team/app:moving</c> naming a different image on each. Each
/// member stores in a folder the fixture owns, so a test may kill one (<see cref="KillAsync"/>) and the next test's
/// <see cref="EnsureRunningAsync"/> starts it again on the same content (at a new port: read the member's
/// <see cref="DistributionRegistry.HostPort"/> after it).
/// </summary>
public sealed class GroupMembersFixture : IAsyncLifetime
{
    private readonly TempDirectory _layoutDirectory = TempDirectory.Create("group-layout");
    private readonly TempDirectory _firstStorage = TempDirectory.Create("group-first-storage");
    private readonly TempDirectory _secondStorage = TempDirectory.Create("group-second-storage");
    private bool _firstDead;
    private bool _secondDead;

    /// <summary>The first member (first choice).</summary>
    internal DistributionRegistry First { get; private set; } = null!;

    /// <summary>The second member.</summary>
    internal DistributionRegistry Second { get; private set; } = null!;

    /// <summary>A skopeo with its own temp folder.</summary>
    internal Skopeo Skopeo { get; } = new();

    /// <summary><c>team/app:v1</c> on both members.</summary>
    internal ImageRef Shared { get; private set; } = null!;

    /// <summary><c>team/only:v1</c>, on the second member only.</summary>
    internal ImageRef OnlySecond { get; private set; } = null!;

    /// <summary>What <c>team/app:moving</c> names on the first member.</summary>
    internal ImageRef MovingFirst { get; private set; } = null!;

    /// <summary>What <c>team/app:moving</c> names on the second member.</summary>
    internal ImageRef MovingSecond { get; private set; } = null!;

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        var layout = new OciImageLayout(_layoutDirectory.Path);
        Shared = layout.AddImage("shared", [300_000, 100_000]);
        OnlySecond = layout.AddImage("only", [150_000]);
        MovingFirst = layout.AddImage("moving-first", [50_000]);
        MovingSecond = layout.AddImage("moving-second", [60_000]);
        await StartFirstAsync();
        await StartSecondAsync();
        await Task.WhenAll(
            Skopeo.CopyAsync(layout.Reference("shared"), First.DockerReference("team/app", "v1")),
            Skopeo.CopyAsync(layout.Reference("shared"), Second.DockerReference("team/app", "v1")),
            Skopeo.CopyAsync(layout.Reference("only"), Second.DockerReference("team/only", "v1")),
            Skopeo.CopyAsync(layout.Reference("moving-first"), First.DockerReference("team/app", "moving")),
            Skopeo.CopyAsync(layout.Reference("moving-second"), Second.DockerReference("team/app", "moving")));
    }

    /// <summary>Starts again whichever member a test killed, on its own storage (at a new port).</summary>
    internal async Task EnsureRunningAsync()
    {
        if (_firstDead)
        {
            await StartFirstAsync();
        }

        if (_secondDead)
        {
            await StartSecondAsync();
        }
    }

    /// <summary>Kills <paramref name="member"/>'s process (SIGKILL) and checks that its port refuses connections.</summary>
    internal async Task KillAsync(DistributionRegistry member)
    {
        _firstDead |= ReferenceEquals(member, First);
        _secondDead |= ReferenceEquals(member, Second);
        await member.DisposeAsync();
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var probe = () => client.GetAsync(new Uri(member.BaseUri, "v2/"));
        await probe.Should().ThrowAsync<HttpRequestException>("the registry at {0} was killed", member.HostPort);
    }

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        await First.DisposeAsync();
        await Second.DisposeAsync();
        Skopeo.Dispose();
        _layoutDirectory.Dispose();
        _firstStorage.Dispose();
        _secondStorage.Dispose();
    }

    private async Task StartFirstAsync()
    {
        First = await DistributionRegistry.StartAsync(new DistributionRegistryOptions { Name = "group-first", StorageRoot = _firstStorage.Path });
        _firstDead = false;
    }

    private async Task StartSecondAsync()
    {
        Second = await DistributionRegistry.StartAsync(new DistributionRegistryOptions { Name = "group-second", StorageRoot = _secondStorage.Path });
        _secondDead = false;
    }
}
