using OpenQA.Selenium;

namespace Collage.Tests.EndToEnd.Ui;

/// <summary>Reads what the current page of a <see cref="ChromeBrowser"/> shows, following the contract's paging links.</summary>
internal sealed class PageReader(ChromeBrowser browser)
{
    /// <summary>More pages than any listing of the seeded registries needs: a loop in the links fails instead of hanging.</summary>
    private const int MaxPages = 20;

    /// <summary>The elements matching <paramref name="selector"/> on the current page (none is an empty list).</summary>
    public IReadOnlyList<IWebElement> All(string selector) => browser.Driver.FindElements(By.CssSelector(selector));

    /// <summary>The one element matching <paramref name="selector"/>; fails if there is none or more than one.</summary>
    public IWebElement One(string selector)
    {
        var found = All(selector);
        found.Should().ContainSingle($"the page has exactly one {selector}");
        return found[0];
    }

    /// <summary>
    /// <paramref name="read"/> of every <paramref name="selector"/> on this page and on each page <c>a#next-page</c>
    /// leads to, in order.
    /// </summary>
    public List<T> CollectAcrossPages<T>(string selector, Func<IWebElement, T> read)
    {
        var items = new List<T>();
        for (var page = 0; ; page++)
        {
            page.Should().BeLessThan(MaxPages, "the next-page links must end");
            items.AddRange(All(selector).Select(read));
            var next = All("a#next-page");
            if (next.Count == 0)
            {
                return items;
            }

            browser.Open(new Uri(next[0].GetDomProperty("href")!));
        }
    }
}
