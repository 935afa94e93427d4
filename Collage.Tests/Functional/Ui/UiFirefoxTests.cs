using Collage.Tests.EndToEnd.Infrastructure;
using Collage.Tests.Functional.Infrastructure;

namespace Collage.Tests.Functional.Ui;

/// <summary>
/// The page in Firefox (Debian's firefox-esr, headless). Debian packages no geckodriver, so Firefox is not driven by
/// WebDriver here: it loads the tag page and renders it to a PNG, and Collage's access log shows it fetched the page
/// and both embedded assets, which a Content-Security-Policy violation or a broken link would have stopped.
/// </summary>
public sealed class UiFirefoxTests : IAsyncLifetime
{
    private static readonly TimeSpan FirefoxTimeout = TimeSpan.FromMinutes(2);

    private UiFakeUpstream _upstream = null!;
    private CollageServer _collage = null!;

    public async Task InitializeAsync()
    {
        _upstream = await UiFakeUpstream.StartAsync();
        _collage = await CollageServer.StartAsync(new { mappings = new Dictionary<string, string> { ["team"] = $"http://{_upstream.Server.Authority}/up" } });
    }

    public async Task DisposeAsync()
    {
        _upstream.Release();
        await _collage.DisposeAsync();
        await _upstream.Server.DisposeAsync();
    }

    [Fact]
    public async Task TagPage_Firefox_RendersWithItsStylesheetAndScript()
    {
        using var home = TempDirectory.Create("collage-firefox-");
        var screenshot = home.Combine("tag-firefox.png");
        var profile = Directory.CreateDirectory(home.Combine("profile")).FullName;
        var url = new Uri(_collage.BaseUri, "/ui/tag?name=team/app&tag=multi").ToString();

        var result = await ProcessRunner.RunAsync(
            "firefox-esr",
            ["--headless", "--no-remote", "--profile", profile, "--window-size=1280,900", "--screenshot", screenshot, url],
            FirefoxTimeout,
            new Dictionary<string, string> { ["HOME"] = home.Path, ["MOZ_HEADLESS"] = "1" });

        File.Exists(screenshot).Should().BeTrue($"firefox wrote its screenshot (exit {result.ExitCode}: {result.StandardError})");
        new FileInfo(screenshot).Length.Should().BeGreaterThan(10_000, "a rendered page, not a blank one");
        var log = _collage.Logs.All;
        log.Should().Contain("/ui/tag 200").And.Contain("/ui/assets/ui.css 200").And.Contain("/ui/assets/ui.js 200");
        File.Copy(screenshot, Path.Combine(EndToEnd.Ui.UiScreenshots.Directory, "tag-firefox.png"), overwrite: true);
    }
}
