using Collage.Transforms.Mirroring;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;

namespace Collage.Tests.Mirroring;

public sealed class MirrorNamespaceTests
{
    [Theory]
    [InlineData("?ns=docker.io", "docker.io")]
    [InlineData("?ns=registry.production.lan:5000", "registry.production.lan:5000")]
    [InlineData("?n=10&ns=quay.io&last=a", "quay.io")]
    [InlineData("?NS=quay.io", "quay.io")]
    [InlineData("?ns=%20quay.io%20", "quay.io")]
    [InlineData("?ns=quay.io&ns=QUAY.io", "quay.io")]
    public void TryGet_OneRegistryNamed_ReturnsIt(string query, string expected)
    {
        MirrorNamespace.TryGet(Parse(query), out var registryHost).Should().BeTrue();
        registryHost.Should().Be(expected);
    }

    [Theory]
    [InlineData("")]
    [InlineData("?n=10")]
    [InlineData("?ns=")]
    [InlineData("?ns")]
    [InlineData("?ns=quay.io&ns=docker.io")]
    [InlineData("?ns=quay.io&ns=")]
    [InlineData("?nsx=quay.io")]
    public void TryGet_NoneOrAmbiguous_ReturnsFalse(string query)
    {
        MirrorNamespace.TryGet(Parse(query), out var registryHost).Should().BeFalse();
        registryHost.Should().BeNull();
    }

    [Theory]
    [InlineData("?ns=docker.io", "")]
    [InlineData("?ns=docker.io&n=10", "?n=10")]
    [InlineData("?n=10&ns=docker.io", "?n=10")]
    [InlineData("?n=10&ns=docker.io&last=sha256%3Aab", "?n=10&last=sha256%3Aab")]
    [InlineData("?last=a+b&ns=x&ns=y&n=1", "?last=a+b&n=1")]
    [InlineData("?NS=docker.io&n=1", "?n=1")]
    [InlineData("?n%73=docker.io&n=1", "?n=1")]
    [InlineData("?ns&n=1", "?n=1")]
    public void TryRemove_NsPresent_RemovesOnlyItKeepingTheRestVerbatim(string query, string expected)
    {
        MirrorNamespace.TryRemove(new QueryString(query), out var stripped).Should().BeTrue();
        (stripped.Value ?? string.Empty).Should().Be(expected);
    }

    [Theory]
    [InlineData("")]
    [InlineData("?n=10&last=b")]
    [InlineData("?nsx=1&dns=2&last=ns")]
    public void TryRemove_NoNs_LeavesQueryAlone(string query)
    {
        var original = query.Length == 0 ? QueryString.Empty : new QueryString(query);

        MirrorNamespace.TryRemove(original, out var stripped).Should().BeFalse();
        stripped.Should().Be(original);
    }

    [Fact]
    public void AppendTo_WithRegistry_AddsEscapedNs()
    {
        MirrorNamespace.AppendTo("n=2&last=b", "registry.lan:5000").Should().Be("n=2&last=b&ns=registry.lan%3A5000");
        MirrorNamespace.AppendTo("n=2&last=b", null).Should().Be("n=2&last=b");
    }

    private static QueryCollection Parse(string query) => new(QueryHelpers.ParseQuery(query));
}
