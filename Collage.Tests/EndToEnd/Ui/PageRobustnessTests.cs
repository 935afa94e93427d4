using System.Net;
using Collage.Tests.EndToEnd.Infrastructure;
using OpenQA.Selenium;
using OpenQA.Selenium.Interactions;

namespace Collage.Tests.EndToEnd.Ui;

/// <summary>
/// What the page does beyond showing data, in headless Chromium: a dead upstream and an unknown name are messages,
/// the keyboard reaches the links and buttons, a phone-wide viewport does not scroll sideways, and the strict
/// Content-Security-Policy is sent and never violated.
/// </summary>
[Collection(RealRegistriesCollection.Name)]
public sealed class PageRobustnessTests(UiFixture ui) : IClassFixture<UiFixture>
{
    /// <summary>The contract's policy, byte for byte.</summary>
    private const string ContentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

    /// <summary>One of each page, the error page included.</summary>
    private static readonly string[] Pages =
    [
        "ui/",
        "ui/repositories",
        "ui/repositories?q=team",
        "ui/repository?name=team/multi",
        "ui/tag?name=team/multi&tag=v1",
        "ui/tag?name=team/app&tag=v1",
        "ui/tag?name=dead/thing&tag=v1",
    ];

    private PageReader Page => new(ui.Browser);

    [Theory]
    [InlineData("ui/tag?name=dead/thing&tag=v1")]
    [InlineData("ui/repository?name=dead/thing")]
    public async Task DeadUpstream_ShowsAMessageWithoutAddressOrStackTrace(string page)
    {
        using var response = await ui.Collage.Client.GetAsync(page);
        ((int)response.StatusCode).Should().BeInRange(400, 599);

        ui.Open(page);
        if (page.Contains("/tag", StringComparison.Ordinal))
        {
            ui.Browser.Screenshot("error");
        }

        var message = Page.One(".error-message");
        message.GetDomAttribute("role").Should().Be("alert");
        message.Text.Trim().Should().NotBeEmpty();
        Page.One("nav#nav a#nav-mounts");
        var source = ui.Browser.Driver.PageSource;
        source.Should().NotContain($"127.0.0.1:{ui.DeadPort}").And.NotContain("Exception").And.NotContain("   at ").And.NotContain("/x/thing");
        ui.CspViolations().Should().BeEmpty();
    }

    [Theory]
    [InlineData("ui/repository?name=team/no-such-repository")]
    [InlineData("ui/repository?name=nomount/thing")]
    [InlineData("ui/tag?name=team/app&tag=no-such-tag")]
    public async Task UnknownName_Is404WithAMessage(string page)
    {
        using var response = await ui.Collage.Client.GetAsync(page);
        response.StatusCode.Should().Be(HttpStatusCode.NotFound);

        ui.Open(page);

        Page.One(".error-message[role='alert']").Text.Trim().Should().NotBeEmpty();
        ui.Browser.Driver.PageSource.Should().NotContain(ui.Registries.RegistryA.HostPort).And.NotContain("Exception");
    }

    [Fact]
    public void Keyboard_TabFromTheTop_ReachesNavLinksThenCopyButtons()
    {
        ui.Open("ui/tag?name=team/app&tag=v1");
        var copyButtons = ui.Browser.Driver.FindElements(By.CssSelector("section#pull button.copy")).Count;
        copyButtons.Should().Be(4);

        var visited = new List<string>();
        for (var i = 0; i < 80 && visited.Count(v => v == "button.copy") < copyButtons; i++)
        {
            new Actions(ui.Browser.Driver).SendKeys(Keys.Tab).Perform();
            visited.Add(ui.Browser.Script<string>(
                "const e = document.activeElement; return e.id ? e.tagName.toLowerCase() + '#' + e.id : e.tagName.toLowerCase() + (e.classList.contains('copy') ? '.copy' : '');"));
        }

        visited.Should().Contain("a#nav-mounts").And.Contain("a#nav-repositories");
        visited.Count(v => v == "button.copy").Should().Be(copyButtons, "every copy button is reachable by Tab");
        visited.IndexOf("a#nav-mounts").Should().BeLessThan(visited.IndexOf("button.copy"), "the nav comes first");
    }

    [Fact]
    public void PhoneWidth_TagAndMountsPages_NoHorizontalOverflow()
    {
        try
        {
            ui.Browser.Resize(ChromeBrowser.PhoneSize);
            foreach (var page in new[] { "ui/tag?name=team/app&tag=v1", "ui/", "ui/tag?name=team/multi&tag=v1" })
            {
                ui.Open(page);
                Page.One("main#main");
                if (page == "ui/tag?name=team/app&tag=v1")
                {
                    ui.Browser.Screenshot("phone");
                }

                var innerWidth = ui.Browser.Script<long>("return window.innerWidth");
                var scrollWidth = ui.Browser.Script<long>("return document.documentElement.scrollWidth");
                innerWidth.Should().Be(ChromeBrowser.PhoneSize.Width);
                scrollWidth.Should().BeLessThanOrEqualTo(innerWidth + 1, $"{page} must not scroll sideways at phone width (tables may scroll in their own box)");
            }
        }
        finally
        {
            ui.Browser.Resize(ChromeBrowser.DesktopSize);
        }
    }

    [Fact]
    public async Task EveryPage_StrictHeadersAndNoCspViolationInTheConsole()
    {
        ui.CspViolations();
        foreach (var page in Pages)
        {
            using var response = await ui.Collage.Client.GetAsync(page);
            response.Headers.GetValues("Content-Security-Policy").Should().Equal([ContentSecurityPolicy], page);
            response.Headers.GetValues("X-Content-Type-Options").Should().Equal(["nosniff"], page);
            response.Headers.CacheControl!.NoStore.Should().BeTrue(page);
            response.Content.Headers.ContentType!.ToString().Should().Be("text/html; charset=utf-8", page);

            ui.Open(page);
            ui.Browser.Driver.FindElement(By.TagName("html")).GetDomAttribute("lang").Should().Be("en", page);
            Page.One("main#main");
            Page.One("nav#nav a#nav-repositories");
            ui.Browser.Script<long>("return document.styleSheets.length").Should().BeGreaterThan(0, $"{page} loads its stylesheet");
            ui.CspViolations().Should().BeEmpty(page);
        }
    }

    [Theory]
    [InlineData("ui/assets/ui.css", "text/css")]
    [InlineData("ui/assets/ui.js", "text/javascript")]
    public async Task Assets_ServedFromTheBinary(string asset, string mediaType)
    {
        using var response = await ui.Collage.Client.GetAsync(asset);

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        response.Content.Headers.ContentType!.MediaType.Should().BeOneOf(mediaType, "application/javascript");
        (await response.Content.ReadAsByteArrayAsync()).Should().NotBeEmpty();
    }
}
