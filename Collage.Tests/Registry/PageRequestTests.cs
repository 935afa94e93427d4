using Collage.Transforms.Registry;
using Microsoft.AspNetCore.Http;

namespace Collage.Tests.Registry;

public sealed class PageRequestTests
{
    private static IQueryCollection Query(string query) => new QueryCollection(Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(query));

    [Theory]
    [InlineData("", null, null)]
    [InlineData("?n=10", 10, null)]
    [InlineData("?n=0", 0, null)]
    [InlineData("?last=v1", null, "v1")]
    [InlineData("?n=2&last=v1", 2, "v1")]
    [InlineData("?last=", null, null)]
    [InlineData("?last=a&last=b", null, "b")]
    [InlineData("?last=a%2Fb", null, "a/b")]
    public void TryParse_ValidQuery_ReadsNAndLast(string query, int? n, string? last)
    {
        PageRequest.TryParse(Query(query), out var page).Should().BeTrue();

        page.Should().Be(new PageRequest(n, last));
    }

    [Theory]
    [InlineData("?n=abc")]
    [InlineData("?n=-1")]
    [InlineData("?n=+1")]
    [InlineData("?n=1.5")]
    [InlineData("?n= 1")]
    [InlineData("?n=")]
    [InlineData("?n=99999999999")]
    [InlineData("?n=1&n=2")]
    public void TryParse_BadN_IsRefused(string query)
    {
        PageRequest.TryParse(Query(query), out _).Should().BeFalse();
    }

    [Theory]
    [InlineData(null, null, "a,b,c,d", "a,b,c,d", false)]
    [InlineData(2, null, "a,b,c,d", "a,b", true)]
    [InlineData(4, null, "a,b,c,d", "a,b,c,d", false)]
    [InlineData(10, null, "a,b,c,d", "a,b,c,d", false)]
    [InlineData(null, "b", "a,b,c,d", "c,d", false)]
    [InlineData(1, "b", "a,b,c,d", "c", true)]
    [InlineData(null, "bb", "a,b,c,d", "c,d", false)]
    [InlineData(null, "d", "a,b,c,d", "", false)]
    [InlineData(null, "z", "a,b,c,d", "", false)]
    [InlineData(0, null, "a,b", "", false)]
    [InlineData(null, null, "d,b,a,c,b", "a,b,c,d", false)]
    [InlineData(null, null, "b,B,a,A,1", "1,A,B,a,b", false)]
    [InlineData(2, null, "", "", false)]
    public void Apply_SortsFiltersAndCuts(int? n, string? last, string entries, string expected, bool more)
    {
        var split = entries.Length == 0 ? [] : entries.Split(',');

        var (page, hasMore) = new PageRequest(n, last).Apply(split);

        page.Should().Equal(expected.Length == 0 ? [] : expected.Split(','));
        hasMore.Should().Be(more);
    }

    [Fact]
    public void Apply_AlreadyPagedAnswer_IsUnchanged()
    {
        var request = new PageRequest(2, "b");

        var (first, _) = request.Apply(["a", "b", "c", "d", "e"]);
        var (again, more) = request.Apply(first);

        again.Should().Equal("c", "d");
        more.Should().BeFalse();
    }

    [Theory]
    [InlineData(10, "v1.2", "n=10&last=v1.2")]
    [InlineData(2, "a/b c", "n=2&last=a%2Fb%20c")]
    public void NextQuery_EscapesLast(int n, string lastEntry, string expected)
    {
        new PageRequest(n, null).NextQuery(lastEntry).Should().Be(expected);
    }
}
