using System.Net;
using System.Text.RegularExpressions;
using Collage.Proxy.Ui;
using Collage.Tests.Functional.Infrastructure;

namespace Collage.Tests.Functional.Ui;

/// <summary>
/// The page on real Kestrel in front of a fake upstream: what it shows, that nothing an upstream sends becomes markup,
/// that failures are messages without addresses, and that its headers lock the page down.
/// </summary>
public sealed partial class UiPagesTests : IAsyncLifetime
{
    private UiFakeUpstream _upstream = null!;
    private CollageServer _collage = null!;

    public async Task InitializeAsync()
    {
        _upstream = await UiFakeUpstream.StartAsync();
        _collage = await CollageServer.StartAsync(new
        {
            mappings = new Dictionary<string, string>
            {
                ["team"] = $"http://{_upstream.Server.Authority}/up",
                ["dead"] = $"http://127.0.0.1:{EndToEnd.Infrastructure.FreePort.Next()}/gone",
            },
            // An upstream that never answers is cut by Collage after this, and the page says so.
            http = new { activityTimeout = "00:00:01" },
        });
    }

    public async Task DisposeAsync()
    {
        _upstream.Release();
        await _collage.DisposeAsync();
        await _upstream.Server.DisposeAsync();
    }

    [Theory]
    [InlineData("/ui/")]
    [InlineData("/ui")]
    [InlineData("/ui/repositories")]
    [InlineData("/ui/repository?name=team/app")]
    [InlineData("/ui/tag?name=team/app&tag=v1")]
    [InlineData("/ui/tag?name=dead/x&tag=v1")]
    public async Task Page_Headers_LockedDown(string path)
    {
        using var response = await _collage.Client.GetAsync(path);

        response.Content.Headers.ContentType!.ToString().Should().Be("text/html; charset=utf-8");
        response.Headers.GetValues("Content-Security-Policy").Should().Equal(UiLayout.ContentSecurityPolicy);
        response.Headers.GetValues("X-Content-Type-Options").Should().Equal("nosniff");
        response.Headers.CacheControl!.NoStore.Should().BeTrue();
        (await response.Content.ReadAsStringAsync()).Should().Contain("<main id=\"main\"");
    }

    [Fact]
    public async Task TagPage_Image_SizesDigestsAndEncodedLabels()
    {
        var html = await PageAsync("/ui/tag?name=team/app&tag=v1", HttpStatusCode.OK);

        Attribute(html, "dd", "total-size", "data-bytes").Should().Be(_upstream.ImageSize.ToString(System.Globalization.CultureInfo.InvariantCulture));
        html.Should().Contain($"<dd id=\"digest\"><code>{_upstream.Image}</code>");
        LayerSizes().Matches(html).Select(m => m.Groups[1].Value).Should().Equal("1000", "234567");
        html.Should().Contain("2026-11-30T12:00:00Z");
        html.Should().Contain("&lt;script&gt;alert(&#x27;label&#x27;)&lt;/script&gt;").And.NotContain("<script>alert");
        html.Should().Contain("data-copy=\"skopeo copy --src-tls-verify=false docker://" + _collage.BaseUri.Authority + "/team/app:v1 oci:app:v1\"");
        html.Should().Contain("id=\"no-referrers\"", "the upstream has no referrers API and no referrers tag");
    }

    [Fact]
    public async Task TagPage_Index_EachPlatformSizedAndSummedWithItsReferrers()
    {
        var html = await PageAsync("/ui/tag?name=team/app&tag=multi", HttpStatusCode.OK);

        PlatformRows().Matches(html).Select(m => (m.Groups[1].Value, m.Groups[2].Value)).Should().Equal(
            ("linux/amd64", _upstream.ImageSize.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            ("linux/arm64", _upstream.ImageSize.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        Attribute(html, "dd", "total-size", "data-bytes").Should().Be((2 * _upstream.ImageSize).ToString(System.Globalization.CultureInfo.InvariantCulture));
        WebUtility.HtmlDecode(html).Should().Contain("<dd id=\"media-type\">application/vnd.oci.image.index.v1+json</dd>");
        WebUtility.HtmlDecode(html).Should().Contain($"<tr class=\"referrer\" data-digest=\"{UiFakeUpstream.Signature}\" data-artifact-type=\"{UiFakeUpstream.SignatureType}\">");
    }

    [Fact]
    public async Task RepositoryPage_ManyTags_PagedBothWays()
    {
        var first = await PageAsync("/ui/repository?name=team/many", HttpStatusCode.OK);
        var tags = TagRows().Matches(first).Select(m => m.Groups[1].Value).ToList();
        tags.Should().HaveCount(100).And.BeInAscendingOrder(StringComparer.Ordinal);
        tags[0].Should().Be("t000");
        first.Should().Contain($"{UiFakeUpstream.ManyTags} tags");

        var next = Attribute(first, "a", "next-page", "href").Replace("&amp;", "&", StringComparison.Ordinal);
        var second = await PageAsync(next, HttpStatusCode.OK);
        TagRows().Matches(second).Select(m => m.Groups[1].Value).First().Should().Be("t100");

        var descending = await PageAsync("/ui/repository?name=team/many&sort=-name", HttpStatusCode.OK);
        TagRows().Matches(descending).Select(m => m.Groups[1].Value).Take(2).Should().Equal("t249", "t248");

        // Highest version first, paged with the same cursor.
        var versions = await PageAsync("/ui/repository?name=team/many&sort=-version", HttpStatusCode.OK);
        TagRows().Matches(versions).Select(m => m.Groups[1].Value).First().Should().Be("t249");
        versions.Should().Contain("id=\"sort-version\" href=\"/ui/repository?name=team%2Fmany&amp;sort=-version\" aria-current=\"true\"");
        var versionsNext = Attribute(versions, "a", "next-page", "href").Replace("&amp;", "&", StringComparison.Ordinal);
        TagRows().Matches(await PageAsync(versionsNext, HttpStatusCode.OK)).Select(m => m.Groups[1].Value).First().Should().Be("t149");
    }

    [Fact]
    public async Task RepositoriesPage_CatalogAndMountsWithout()
    {
        var html = await PageAsync("/ui/repositories", HttpStatusCode.OK);

        Repositories().Matches(html).Select(m => m.Groups[1].Value).Should().Equal("team/app", "team/many");
        Attribute(html, "p", "catalog-refused", "class").Should().Be("note");
        html.Should().MatchRegex("catalog-refused[^>]*>[^<]*dead");

        var searched = await PageAsync("/ui/repositories?q=MANY", HttpStatusCode.OK);
        Repositories().Matches(searched).Select(m => m.Groups[1].Value).Should().Equal("team/many");
    }

    [Theory]
    [InlineData("/ui/tag?name=dead/x&tag=v1", HttpStatusCode.BadGateway)]
    [InlineData("/ui/repository?name=dead/x", HttpStatusCode.BadGateway)]
    [InlineData("/ui/tag?name=team/broken/x&tag=v1", HttpStatusCode.BadGateway)]
    [InlineData("/ui/tag?name=team/hang/x&tag=v1", HttpStatusCode.BadGateway)]
    [InlineData("/ui/tag?name=nowhere/x&tag=v1", HttpStatusCode.NotFound)]
    [InlineData("/ui/tag?name=team/app&tag=-bad", HttpStatusCode.BadRequest)]
    [InlineData("/ui/tag?name=Team/App&tag=v1", HttpStatusCode.BadRequest)]
    [InlineData("/ui/repository?name=", HttpStatusCode.BadRequest)]
    public async Task Page_Failure_MessageWithoutAddressesOrTraces(string path, HttpStatusCode status)
    {
        var html = await PageAsync(path, status);

        html.Should().Contain("class=\"error-message\" role=\"alert\"");
        html.Should().NotContain(_upstream.Server.Authority).And.NotContain("hunter2").And.NotContain("secret-backend");
        html.Should().NotContain("Exception").And.NotContain("   at ");
        html.Should().NotContain("127.0.0.1:", "no upstream's address, and not Collage's own loopback either");
    }

    [Fact]
    public async Task MountsPage_RequestsAndBytes_FromTheMetrics()
    {
        for (var i = 0; i < 3; i++)
        {
            using var pull = await _collage.Client.GetAsync("/v2/team/app/manifests/v1");
            pull.StatusCode.Should().Be(HttpStatusCode.OK);
        }

        var html = await PageAsync("/ui/", HttpStatusCode.OK);

        var row = MountRow("team").Match(html);
        row.Success.Should().BeTrue();
        row.Groups["requests"].Value.Should().Be("3", "the mounts page calls no upstream itself");
        row.Groups["bytes"].Value.Should().Be((3 * _upstream.ImageBytes.Length).ToString(System.Globalization.CultureInfo.InvariantCulture));
        html.Should().Contain($"<span class=\"member\" data-health=\"unknown\">{_upstream.Server.Authority}/up</span>", "probes are off");
        html.Should().Contain("data-prefix=\"dead\"");
    }

    [Fact]
    public async Task Assets_Embedded_RevalidatedByETag()
    {
        using var css = await _collage.Client.GetAsync("/ui/assets/ui.css");
        css.StatusCode.Should().Be(HttpStatusCode.OK);
        css.Content.Headers.ContentType!.MediaType.Should().Be("text/css");
        var etag = css.Headers.ETag!.Tag;

        using var js = await _collage.Client.GetAsync("/ui/assets/ui.js");
        (await js.Content.ReadAsStringAsync()).Should().Contain("navigator.clipboard");

        using var revalidate = new HttpRequestMessage(HttpMethod.Get, "/ui/assets/ui.css");
        revalidate.Headers.TryAddWithoutValidation("If-None-Match", etag);
        using var notModified = await _collage.Client.SendAsync(revalidate);
        notModified.StatusCode.Should().Be(HttpStatusCode.NotModified);

        (await _collage.Client.GetAsync("/ui/assets/other.js")).StatusCode.Should().Be(HttpStatusCode.NotFound);
    }

    private async Task<string> PageAsync(string path, HttpStatusCode status)
    {
        using var response = await _collage.Client.GetAsync(path);
        var html = await response.Content.ReadAsStringAsync();
        response.StatusCode.Should().Be(status, html);
        return html;
    }

    private static string Attribute(string html, string element, string id, string attribute)
    {
        var match = Regex.Match(html, $"<{element}(?=[^>]*\\bid=\"{Regex.Escape(id)}\")[^>]*\\b{attribute}=\"([^\"]*)\"");
        match.Success.Should().BeTrue($"the page has {element}#{id} with {attribute}");
        return match.Groups[1].Value;
    }

    private static Regex MountRow(string prefix) =>
        new($"<tr class=\"mount\" data-vhost=\"global\" data-prefix=\"{prefix}\">.*?class=\"requests num\" data-value=\"(?<requests>\\d+)\".*?class=\"bytes num\" data-value=\"(?<bytes>\\d+)\"");

    [GeneratedRegex("<tr class=\"layer\" data-digest=\"[^\"]+\" data-size=\"(\\d+)\"")]
    private static partial Regex LayerSizes();

    [GeneratedRegex("<tr class=\"platform\" data-platform=\"([^\"]+)\" data-digest=\"[^\"]+\" data-size=\"(\\d+)\"")]
    private static partial Regex PlatformRows();

    [GeneratedRegex("<tr class=\"tag\" data-tag=\"([^\"]+)\"")]
    private static partial Regex TagRows();

    [GeneratedRegex("<a class=\"repository\" href=\"[^\"]+\">([^<]+)</a>")]
    private static partial Regex Repositories();
}
