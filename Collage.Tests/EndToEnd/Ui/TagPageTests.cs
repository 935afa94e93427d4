using System.Text.Json;
using Collage.Tests.EndToEnd.Infrastructure;
using OpenQA.Selenium;

namespace Collage.Tests.EndToEnd.Ui;

/// <summary>
/// The tag page in headless Chromium: digests, platforms, layers and sizes equal to what the real registry serves, and
/// the copy button puts on the clipboard a command skopeo then pulls with.
/// </summary>
[Collection(RealRegistriesCollection.Name)]
public sealed class TagPageTests(UiFixture ui) : IClassFixture<UiFixture>
{
    private PageReader Page => new(ui.Browser);

    [Fact]
    public async Task TagPage_Index_ShowsPlatformsWithRegistrysDigestsAndSizes()
    {
        var index = await ui.Upstream.ManifestAsync("team/multi", "v1");
        var platforms = await ui.Upstream.PlatformsAsync("team/multi", "v1");

        ui.Open("ui/tag?name=team/multi&tag=v1");
        ui.Browser.Screenshot("tag-index");

        Page.One("dd#digest").Text.Trim().Should().Be(index.Digest);
        Page.One("dd#media-type").Text.Trim().Should().Be(index.MediaType);
        var rows = Page.All("table#platforms tr.platform");
        rows.Select(r => new UpstreamPlatform(r.GetDomAttribute("data-platform")!, r.GetDomAttribute("data-digest")!, long.Parse(r.GetDomAttribute("data-size")!)))
            .Should().BeEquivalentTo(platforms);
        rows.Select(r => r.GetDomAttribute("data-platform")).Should().BeEquivalentTo("linux/amd64", "linux/arm64");
        long.Parse(Page.One("dd#total-size").GetDomAttribute("data-bytes")!).Should().Be(platforms.Sum(p => p.Size));
        ui.CspViolations().Should().BeEmpty();

        // Each platform links to its own manifest's page.
        var arm64 = platforms.Single(p => p.Platform == "linux/arm64");
        rows.Single(r => r.GetDomAttribute("data-platform") == "linux/arm64").FindElements(By.CssSelector("a[href]"))
            .Single(a => LinksTo(a, "team/multi", arm64.Digest)).Click();
        ui.Browser.WaitUntil(d => IsTagPage(new Uri(d.Url), "team/multi", arm64.Digest), "the arm64 manifest's page");
        Page.One("dd#digest").Text.Trim().Should().Be(arm64.Digest);
        long.Parse(Page.One("dd#total-size").GetDomAttribute("data-bytes")!).Should().Be(arm64.Size);
        Page.All("table#layers tr.layer").Should().HaveCount(2);
    }

    [Fact]
    public async Task TagPage_Image_ShowsRegistrysLayersSizesCreatedAndLabels()
    {
        var manifest = await ui.Upstream.ManifestAsync("team/app", "v1");
        var config = await ui.Upstream.BlobJsonAsync("team/app", manifest.Json.GetProperty("config").GetProperty("digest").GetString()!);

        ui.Open("ui/tag?name=team/app&tag=v1");
        ui.Browser.Screenshot("tag");

        Page.One("dd#digest").Text.Trim().Should().Be(manifest.Digest);
        Page.One("dd#media-type").Text.Trim().Should().Be(manifest.MediaType);
        Page.All("table#layers tr.layer")
            .Select(r => (r.GetDomAttribute("data-digest")!, long.Parse(r.GetDomAttribute("data-size")!), r.GetDomAttribute("data-media-type")!))
            .Should().Equal(manifest.Layers, "the layers in order, with the registry's sizes");
        manifest.Layers.Should().HaveCount(3);
        long.Parse(Page.One("dd#total-size").GetDomAttribute("data-bytes")!).Should().Be(manifest.TotalSize);
        var created = Page.One("dd#created");
        var createdText = created.Text + " " + string.Join(' ', created.FindElements(By.CssSelector("time")).Select(t => t.GetDomAttribute("datetime")));
        createdText.Should().Contain(config.GetProperty("created").GetString()![..10]);
        foreach (var label in config.GetProperty("config").GetProperty("Labels").EnumerateObject())
        {
            Page.One($"table#labels tr.label[data-key='{label.Name}'] td.value").Text.Trim().Should().Be(label.Value.GetString());
        }

        Page.All("table#referrers tr.referrer").Should().BeEmpty();
        Page.All("p#no-referrers").Should().ContainSingle("team/app has no referrers");
        ui.CspViolations().Should().BeEmpty();
    }

    [Fact]
    public void TagPage_PullCommands_NameCollagesLocalReference()
    {
        var reference = $"{ui.HostPort}/team/app:v1";

        ui.Open("ui/tag?name=team/app&tag=v1");

        var commands = Page.All("section#pull div.pull-command").ToDictionary(c => c.GetDomAttribute("data-client")!, c => c);
        commands.Keys.Should().BeEquivalentTo("docker", "podman", "ctr", "skopeo");
        Code(commands["docker"]).Should().Be($"docker pull {reference}");
        Code(commands["podman"]).Should().StartWith("podman pull").And.Contain(reference);
        Code(commands["ctr"]).Should().StartWith("ctr ").And.Contain("--plain-http").And.Contain(reference);
        Code(commands["skopeo"]).Should().StartWith("skopeo copy").And.Contain("--src-tls-verify=false").And.Contain($"docker://{reference}");
        foreach (var command in commands.Values)
        {
            command.FindElement(By.CssSelector("button.copy")).GetDomAttribute("data-copy").Should().Be(Code(command), "the button copies exactly the command shown");
        }
    }

    [Fact]
    public async Task CopyButton_Skopeo_ClipboardHoldsTheCommandSkopeoPullsWith()
    {
        var expected = await ui.Upstream.ManifestAsync("team/app", "v1");
        ui.Open("ui/tag?name=team/app&tag=v1");
        ui.Browser.GrantClipboard(ui.Collage.BaseUri);
        var skopeo = Page.One("section#pull div.pull-command[data-client='skopeo']");
        var button = skopeo.FindElement(By.CssSelector("button.copy"));
        var shown = Code(skopeo);

        button.Click();
        ui.Browser.WaitUntil(_ => button.Text.Trim() == "Copied" && button.GetDomAttribute("data-copied") == "true", "the button to report Copied");
        var copied = ui.Browser.ReadClipboard();

        copied.Should().Be(shown).And.Be(button.GetDomAttribute("data-copy"));
        using var target = TempDirectory.Create("ui-copied");
        var arguments = SkopeoArguments(copied, $"oci:{target.Path}:v1");
        arguments.Should().Contain($"docker://{ui.HostPort}/team/app:v1");
        await ui.Registries.Skopeo.RunAsync(arguments);
        using var index = JsonDocument.Parse(await File.ReadAllBytesAsync(target.Combine("index.json")));
        index.RootElement.GetProperty("manifests")[0].GetProperty("digest").GetString().Should().Be(expected.Digest, "skopeo pulled the registry's manifest through Collage");
        ui.CspViolations().Should().BeEmpty();
    }

    /// <summary>Whether <paramref name="link"/> goes to the tag page of <paramref name="name"/>@<paramref name="digest"/>.</summary>
    private static bool LinksTo(IWebElement link, string name, string digest) => IsTagPage(new Uri(link.GetDomProperty("href")!), name, digest);

    /// <summary>Whether <paramref name="target"/> is the tag page of <paramref name="name"/>@<paramref name="digest"/> (the query decoded).</summary>
    private static bool IsTagPage(Uri target, string name, string digest)
    {
        var query = System.Web.HttpUtility.ParseQueryString(target.Query);
        return target.AbsolutePath == "/ui/tag" && query["name"] == name && query["digest"] == digest;
    }

    /// <summary>The command's text as the page shows it, blanks collapsed.</summary>
    private static string Code(IWebElement command) =>
        string.Join(' ', command.FindElement(By.CssSelector("code")).GetDomProperty("textContent")!.Split((char[])[' ', '\n', '\t'], StringSplitOptions.RemoveEmptyEntries));

    /// <summary>
    /// The arguments of the copied <c>skopeo copy FLAGS SOURCE DEST</c> after <c>skopeo</c>, every flag and the
    /// source as copied, the destination replaced by <paramref name="destination"/> (a temp folder, not the cwd).
    /// </summary>
    private static List<string> SkopeoArguments(string command, string destination)
    {
        var words = command.Split(' ', StringSplitOptions.RemoveEmptyEntries).ToList();
        words.Take(2).Should().Equal(["skopeo", "copy"], "it is a skopeo copy command");
        words[^1].Should().StartWith("oci:", "the command copies into an OCI layout");
        words[^2].Should().StartWith("docker://");
        return [.. words.Skip(1).SkipLast(1), destination];
    }
}
