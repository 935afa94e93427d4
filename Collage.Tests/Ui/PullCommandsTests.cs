using Collage.Proxy.Ui;

namespace Collage.Tests.Ui;

public sealed class PullCommandsTests
{
    [Fact]
    public void For_PlainHttp_EachClientGetsItsOwnFlag()
    {
        var commands = PullCommands.For("127.0.0.1:5000", plainHttp: true, "cool/stuff/app", "v1", "sha256:ab").ToDictionary(c => c.Client, c => c.Command);

        commands.Should().Equal(new Dictionary<string, string>
        {
            ["docker"] = "docker pull 127.0.0.1:5000/cool/stuff/app:v1",
            ["podman"] = "podman pull --tls-verify=false 127.0.0.1:5000/cool/stuff/app:v1",
            ["ctr"] = "ctr images pull --plain-http 127.0.0.1:5000/cool/stuff/app:v1",
            ["skopeo"] = "skopeo copy --src-tls-verify=false docker://127.0.0.1:5000/cool/stuff/app:v1 oci:app:v1",
        });
    }

    [Fact]
    public void For_Https_NoFlags()
    {
        var commands = PullCommands.For("collage.corp.lan", plainHttp: false, "etcd", "v3", "sha256:ab").Select(c => c.Command);

        commands.Should().Equal(
            "docker pull collage.corp.lan/etcd:v3",
            "podman pull collage.corp.lan/etcd:v3",
            "ctr images pull collage.corp.lan/etcd:v3",
            "skopeo copy docker://collage.corp.lan/etcd:v3 oci:etcd:v3");
    }

    [Fact]
    public void For_Digest_PullsByDigest()
    {
        var commands = PullCommands.For("h", plainHttp: false, "team/app", null, "sha256:ab").ToDictionary(c => c.Client, c => c.Command);

        commands["docker"].Should().Be("docker pull h/team/app@sha256:ab");
        commands["skopeo"].Should().Be("skopeo copy docker://h/team/app@sha256:ab oci:app");
    }
}
