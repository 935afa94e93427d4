using Collage.Transforms.Access;
using Collage.Transforms.Configuration;
using Collage.Transforms.Mounts;

namespace Collage.Tests.Mounts;

/// <summary>The mount table with access control: the compiled policy, and the combinations refused at start-up.</summary>
public sealed class MountTableBuilderAccessTests
{
    [Fact]
    public void Build_NoAccess_NoPolicy()
    {
        TestMounts.Table("etcd=quay.io/coreos/etcd").Access.Should().BeNull();
    }

    [Fact]
    public void Build_Access_PolicyCompiled()
    {
        var table = MountTableBuilder.Build(new CollageOptions
        {
            Mappings = TestMounts.Mappings("etcd=quay.io/coreos/etcd"),
            Access = new AccessOptions { Anonymous = ["etcd/**"] },
        });

        table.Access.Should().NotBeNull();
        table.Access!.Grants(AccessIdentity.Anonymous, "global", "etcd/app").Should().HaveFlag(AccessAction.Pull);
    }

    [Fact]
    public void Build_PassthroughUpstreamBehindAccess_Accepted()
    {
        // The two combine: Collage checks the login, then relays it to the upstream (PassthroughBehindAccessTests).
        var table = MountTableBuilder.Build(new CollageOptions
        {
            Mappings = TestMounts.Mappings("etcd=quay.io/coreos/etcd", "hub=registry-1.docker.io"),
            Upstreams = new Dictionary<string, UpstreamOptions> { ["registry-1.docker.io"] = new() { Auth = UpstreamAuthMode.Passthrough } },
            Access = new AccessOptions { Authenticated = ["**"] },
        });

        table.Access.Should().NotBeNull();
    }

    [Fact]
    public void Build_PassthroughUpstreamWithoutAccess_Accepted()
    {
        var act = () => MountTableBuilder.Build(new CollageOptions
        {
            Mappings = TestMounts.Mappings("hub=registry-1.docker.io"),
            Upstreams = new Dictionary<string, UpstreamOptions> { ["registry-1.docker.io"] = new() { Auth = UpstreamAuthMode.Passthrough } },
        });

        act.Should().NotThrow();
    }

    [Fact]
    public void Build_GatewayUpstreamAndAccess_Accepted()
    {
        var act = () => MountTableBuilder.Build(new CollageOptions
        {
            Mappings = TestMounts.Mappings("hub=registry-1.docker.io"),
            Upstreams = new Dictionary<string, UpstreamOptions> { ["registry-1.docker.io"] = new() { Auth = UpstreamAuthMode.Gateway } },
            Access = new AccessOptions { Authenticated = ["**"] },
        });

        act.Should().NotThrow();
    }

    [Fact]
    public void Build_BadPolicy_RefusedAtStartUp()
    {
        var act = () => MountTableBuilder.Build(new CollageOptions
        {
            Mappings = TestMounts.Mappings("etcd=quay.io/coreos/etcd"),
            Access = new AccessOptions { Rules = [new AccessRuleOptions { Repositories = ["etcd/**"], Users = ["alice"], Actions = ["push"] }] },
        });

        act.Should().Throw<CollageConfigException>().Where(e => e.Key == "access:rules:0:actions");
    }
}
