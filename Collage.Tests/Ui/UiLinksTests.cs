using Collage.Proxy.Ui;

namespace Collage.Tests.Ui;

public sealed class UiLinksTests
{
    private readonly UiLinks _links = new("/ui");

    [Fact]
    public void Tag_NameWithSlashes_TravelsEscapedInTheQuery()
    {
        _links.Tag("cool/stuff/app", "v1").Should().Be("/ui/tag?name=cool%2Fstuff%2Fapp&tag=v1");
    }

    [Fact]
    public void Tag_Digest_LeavesOutTheEmptyTag()
    {
        _links.Tag("team/app", null, "sha256:ab").Should().Be("/ui/tag?name=team%2Fapp&digest=sha256%3Aab");
    }

    [Fact]
    public void Repositories_NoQuery_BarePath()
    {
        _links.Repositories().Should().Be("/ui/repositories");
        _links.Repositories("a b", "team/x").Should().Be("/ui/repositories?q=a%20b&last=team%2Fx");
    }

    [Fact]
    public void MountsAndAssets_UnderTheBase()
    {
        new UiLinks("/registry/browse").Mounts.Should().Be("/registry/browse/");
        _links.Asset("ui.css").Should().Be("/ui/assets/ui.css");
    }
}
