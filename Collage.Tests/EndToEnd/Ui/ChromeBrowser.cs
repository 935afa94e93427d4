using System.Drawing;
using OpenQA.Selenium;
using OpenQA.Selenium.Chrome;
using OpenQA.Selenium.Support.UI;

namespace Collage.Tests.EndToEnd.Ui;

/// <summary>
/// Debian's headless Chromium (<c>/usr/bin/chromium</c>) driven through Debian's ChromeDriver
/// (<c>/usr/bin/chromedriver</c>) by Selenium. Both paths are given explicitly, so Selenium Manager never runs and
/// nothing is downloaded at test time. One instance per fixture: starting it costs about a second.
/// </summary>
internal sealed class ChromeBrowser : IDisposable
{
    /// <summary>The desktop window the pages are looked at in.</summary>
    public static readonly Size DesktopSize = new(1280, 900);

    /// <summary>A phone's viewport (an iPhone 12-15's CSS pixels).</summary>
    public static readonly Size PhoneSize = new(390, 844);

    private const string ChromiumBinary = "/usr/bin/chromium";
    private const string ChromeDriverBinary = "/usr/bin/chromedriver";

    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(15);

    private readonly ChromeDriverService _service;

    private ChromeBrowser(ChromeDriverService service, ChromeDriver driver)
    {
        _service = service;
        Driver = driver;
    }

    /// <summary>The WebDriver session.</summary>
    public ChromeDriver Driver { get; }

    /// <summary>Starts ChromeDriver and a headless Chromium with a <see cref="DesktopSize"/> window.</summary>
    public static ChromeBrowser Start()
    {
        // Selenium's usage statistics go through Selenium Manager; make sure nothing tries to reach the network.
        Environment.SetEnvironmentVariable("SE_AVOID_STATS", "true");
        var service = ChromeDriverService.CreateDefaultService(Path.GetDirectoryName(ChromeDriverBinary)!, Path.GetFileName(ChromeDriverBinary));
        service.HideCommandPromptWindow = true;
        service.SuppressInitialDiagnosticInformation = true;
        var options = new ChromeOptions { BinaryLocation = ChromiumBinary };
        options.AddArguments(
            "--headless=new",
            // CI runs as root, where Chromium's sandbox refuses to start; /dev/shm is small in containers.
            "--no-sandbox",
            "--disable-dev-shm-usage",
            "--disable-gpu",
            // Overlay scrollbars, as on phones and macOS: the viewport stays the full window width.
            "--hide-scrollbars",
            "--no-first-run",
            "--no-default-browser-check",
            "--disable-extensions",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--lang=en-US",
            $"--window-size={DesktopSize.Width},{DesktopSize.Height}");
        options.SetLoggingPreference(LogType.Browser, LogLevel.All);
        ChromeDriver? driver = null;
        try
        {
            driver = new ChromeDriver(service, options, TimeSpan.FromSeconds(60));
            driver.Manage().Timeouts().PageLoad = TimeSpan.FromSeconds(30);
            driver.Manage().Timeouts().AsynchronousJavaScript = TimeSpan.FromSeconds(10);
            var browser = new ChromeBrowser(service, driver);
            browser.Resize(DesktopSize);
            return browser;
        }
        catch
        {
            driver?.Quit();
            service.Dispose();
            throw;
        }
    }

    /// <summary>Opens <paramref name="url"/> and waits until the document has loaded.</summary>
    public void Open(Uri url)
    {
        Driver.Navigate().GoToUrl(url);
        WaitUntil(d => ((IJavaScriptExecutor)d).ExecuteScript("return document.readyState") is "complete", $"{url} to load");
    }

    /// <summary>
    /// Sets the viewport (not the outer window) to <paramref name="size"/>: headless Chromium's window has no frame,
    /// but the loop checks what the page sees rather than assuming it.
    /// </summary>
    public void Resize(Size size)
    {
        Driver.Manage().Window.Size = size;
        WaitUntil(d => Script<long>("return window.innerWidth") == size.Width, $"a viewport {size.Width} px wide");
    }

    /// <summary>Runs <paramref name="script"/> and converts its result (WebDriver returns numbers as long or double).</summary>
    public T Script<T>(string script, params object[] arguments) =>
        (T)Convert.ChangeType(Driver.ExecuteScript(script, arguments)!, typeof(T), System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Polls <paramref name="condition"/> until it holds or the deadline passes (then fails naming <paramref name="what"/>).</summary>
    public void WaitUntil(Func<IWebDriver, bool> condition, string what)
    {
        var wait = new WebDriverWait(Driver, Deadline) { Message = "waited for " + what };
        wait.Until(condition);
    }

    /// <summary>The browser console's entries since the last call (ChromeDriver drains the log on every read).</summary>
    public IReadOnlyList<LogEntry> TakeConsoleLog() => Driver.Manage().Logs.GetLog(LogType.Browser);

    /// <summary>Lets pages from <paramref name="origin"/> read and write the clipboard without a prompt (CDP).</summary>
    public void GrantClipboard(Uri origin) =>
        Driver.ExecuteCdpCommand("Browser.grantPermissions", new Dictionary<string, object?>
        {
            ["origin"] = origin.GetLeftPart(UriPartial.Authority),
            ["permissions"] = new[] { "clipboardReadWrite", "clipboardSanitizedWrite" },
        });

    /// <summary>The clipboard's text, read by the page (<c>navigator.clipboard.readText()</c>).</summary>
    public string ReadClipboard() =>
        (string)Driver.ExecuteAsyncScript(
            """
            const done = arguments[arguments.length - 1];
            navigator.clipboard.readText().then(done, e => done('clipboard read failed: ' + e));
            """)!;

    /// <summary>
    /// Saves the whole page (not only the viewport, through CDP's <c>captureBeyondViewport</c>) as
    /// <paramref name="name"/>.png under <see cref="UiScreenshots.Directory"/>, at the current viewport's width.
    /// </summary>
    public string Screenshot(string name)
    {
        var width = Script<long>("return document.documentElement.clientWidth");
        var height = Script<long>("return Math.max(document.documentElement.scrollHeight, window.innerHeight)");
        var answer = (Dictionary<string, object?>)Driver.ExecuteCdpCommand("Page.captureScreenshot", new Dictionary<string, object?>
        {
            ["format"] = "png",
            ["captureBeyondViewport"] = true,
            ["clip"] = new Dictionary<string, object> { ["x"] = 0, ["y"] = 0, ["width"] = width, ["height"] = height, ["scale"] = 1 },
        })!;
        var path = Path.Combine(UiScreenshots.Directory, name + ".png");
        File.WriteAllBytes(path, Convert.FromBase64String((string)answer["data"]!));
        return path;
    }

    /// <summary>Ends the session and ChromeDriver (which ends Chromium).</summary>
    public void Dispose()
    {
        try
        {
            Driver.Quit();
        }
        finally
        {
            Driver.Dispose();
            _service.Dispose();
        }
    }
}
