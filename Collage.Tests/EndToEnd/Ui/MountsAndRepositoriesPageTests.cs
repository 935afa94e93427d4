using Collage.Tests.EndToEnd.Infrastructure;
using OpenQA.Selenium;

namespace Collage.Tests.EndToEnd.Ui;

/// <summary>
/// The mounts, repositories and repository pages in headless Chromium, compared with the config Collage was given and
/// with what the real registry answers on its own <c>/v2/</c>.
/// </summary>
[Collection(RealRegistriesCollection.Name)]
public sealed class MountsAndRepositoriesPageTests(UiFixture ui) : IClassFixture<UiFixture>
{
    private PageReader Page => new(ui.Browser);

    [Fact]
    public void MountsPage_ListsConfiguredMountsWithTheirUpstreamsAndHealth()
    {
        // The first probe round may not have ended yet: reload until every mount has its health.
        ui.Browser.WaitUntil(
            _ =>
            {
                ui.Open("ui/");
                return Page.All("table#mounts td.health").All(h => h.GetDomAttribute("data-health") != "unknown");
            },
            "the probes' first round on the mounts page");

        var rows = Page.All("table#mounts tr.mount");
        var shown = rows.ToDictionary(
            r => r.GetDomAttribute("data-prefix")!.Trim('/'),
            r => r.FindElements(By.CssSelector("td.upstream span.member")).Select(m => m.Text.Trim()).ToList());
        var expected = ui.Mappings.ToDictionary(m => m.Key.Trim('/'), m => new List<string> { HostAndNamespace(m.Value) });
        shown.Should().BeEquivalentTo(expected, "the page lists every configured mount with its upstream, and nothing else");
        rows.Should().OnlyContain(r => r.GetDomAttribute("data-vhost") == "global");
        foreach (var row in rows)
        {
            var health = row.FindElement(By.CssSelector("td.health"));
            health.GetDomAttribute("data-health").Should().Be(health.Text.Trim());
            row.FindElement(By.CssSelector("td.cache")).Text.Trim().Should().Be("off", "no cache is configured");
            long.Parse(row.FindElement(By.CssSelector("td.requests")).GetDomAttribute("data-value")!).Should().BeGreaterThanOrEqualTo(0);
            long.Parse(row.FindElement(By.CssSelector("td.bytes")).GetDomAttribute("data-value")!).Should().BeGreaterThanOrEqualTo(0);
        }

        rows.ToDictionary(r => r.GetDomAttribute("data-prefix")!.Trim('/'), r => r.FindElement(By.CssSelector("td.health")).GetDomAttribute("data-health"))
            .Should().BeEquivalentTo(new Dictionary<string, string> { ["team"] = "up", ["lib"] = "up", ["many"] = "up", ["dead"] = "down" }, "nothing listens on the dead mount's upstream");
        ui.CspViolations().Should().BeEmpty();
        ui.Browser.Screenshot("mounts");
    }

    [Fact]
    public async Task RepositoriesPage_ListsTheRegistrysCatalogUnderLocalNames()
    {
        var expected = ExpectedLocalNames(await ui.Upstream.CatalogAsync());

        ui.Open("ui/repositories");
        ui.Browser.Screenshot("repositories");
        var shown = Page.CollectAcrossPages("ul#repositories li > a.repository", a => a.Text.Trim());

        shown.Should().BeEquivalentTo(expected, "every repository of the catalog appears once, under its local name");
        shown.Should().OnlyHaveUniqueItems();
        ui.CspViolations().Should().BeEmpty();
    }

    [Fact]
    public void RepositoriesPage_SearchBox_FiltersTheList()
    {
        ui.Open("ui/repositories");
        var search = ui.Browser.Driver.FindElement(By.CssSelector("form#search input[name='q']"));
        search.SendKeys("team/m");
        search.Submit();
        ui.Browser.WaitUntil(d => d.Url.Contains("q=team", StringComparison.Ordinal), "the search to be submitted");

        var shown = Page.CollectAcrossPages("ul#repositories li > a.repository", a => a.Text.Trim());

        shown.Should().Equal("team/multi");
    }

    [Fact]
    public void RepositoriesPage_RepositoryLink_OpensItsPage()
    {
        ui.Open("ui/repositories");

        ui.Browser.Driver.FindElements(By.CssSelector("ul#repositories li > a.repository")).Single(a => a.Text.Trim() == "team/app").Click();
        ui.Browser.WaitUntil(d => d.Url.Contains("/ui/repository", StringComparison.Ordinal), "the repository page");

        ui.Browser.Driver.FindElement(By.TagName("h1")).Text.Should().Contain("team/app");
        Page.All("table#tags tr.tag").Select(t => t.GetDomAttribute("data-tag")).Should().Equal("v1");
    }

    [Fact]
    public async Task RepositoryPage_IndexRepository_ShowsTheRegistrysTags()
    {
        var expected = await ui.Upstream.TagsAsync("team/multi");
        var skopeo = await ui.Registries.Skopeo.ListTagsAsync(ui.Registries.RegistryA.DockerReference("team/multi"));

        ui.Open("ui/repository?name=team/multi");
        ui.Browser.Screenshot("repository");

        ui.Browser.Driver.FindElement(By.TagName("h1")).Text.Should().Contain("team/multi");
        var rows = Page.All("table#tags tr.tag");
        rows.Select(r => r.GetDomAttribute("data-tag")).Should().BeEquivalentTo(expected).And.BeEquivalentTo(skopeo);
        foreach (var row in rows)
        {
            var link = row.FindElement(By.CssSelector("a.tag-link"));
            var target = new Uri(link.GetDomProperty("href")!);
            target.AbsolutePath.Should().Be("/ui/tag");
            target.Query.Should().Contain("tag=" + row.GetDomAttribute("data-tag"));
        }

        ui.CspViolations().Should().BeEmpty();
    }

    [Fact]
    public async Task RepositoryPage_150Tags_PagedAndSortedBothWays()
    {
        var expected = (await ui.Upstream.TagsAsync(RealRegistriesFixture.ManyTagsRepository)).Order(StringComparer.Ordinal).ToList();
        expected.Should().HaveCount(RealRegistriesFixture.ManyTagsCount);

        ui.Open("ui/repository?name=many/many");
        ui.Browser.Driver.FindElements(By.CssSelector("a#next-page")).Should().NotBeEmpty("150 tags do not fit one page");
        var ascending = Page.CollectAcrossPages("table#tags tr.tag", r => r.GetDomAttribute("data-tag")!);
        ascending.Should().Equal(expected);

        ui.Open("ui/repository?name=many/many");
        ui.Browser.Driver.FindElement(By.CssSelector("a#sort-desc")).Click();
        ui.Browser.WaitUntil(d => d.Url.Contains("sort=-name", StringComparison.Ordinal), "the descending order");
        var descending = Page.CollectAcrossPages("table#tags tr.tag", r => r.GetDomAttribute("data-tag")!);
        descending.Should().Equal(Enumerable.Reverse(expected));
    }

    /// <summary>The local names the catalog's repositories have through the fixture's mounts (the dead one adds none).</summary>
    private List<string> ExpectedLocalNames(IReadOnlyList<string> catalog)
    {
        var names = new List<string>();
        foreach (var (prefix, upstream) in ui.Mappings)
        {
            var upstreamNamespace = new Uri(upstream).AbsolutePath.Trim('/') + "/";
            if (prefix == "dead")
            {
                continue;
            }

            names.AddRange(catalog.Where(r => r.StartsWith(upstreamNamespace, StringComparison.Ordinal)).Select(r => $"{prefix}/{r[upstreamNamespace.Length..]}"));
        }

        names.Should().Contain(["team/app", "team/multi", "team/sub/tool", "lib/alpine", "many/many"]);
        return names;
    }

    /// <summary><c>host[:port]/namespace</c> of an upstream URL, as the contract's <c>span.member</c> shows it.</summary>
    private static string HostAndNamespace(string upstream)
    {
        var uri = new Uri(upstream);
        return uri.Authority + uri.AbsolutePath.TrimEnd('/');
    }
}
