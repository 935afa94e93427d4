using System.Net;
using Collage.Transforms.Passthrough;
using Microsoft.AspNetCore.Http;

namespace Collage.Tests.Passthrough;

public sealed class PublicUrlResolverTests
{
    private static DefaultHttpContext Request(string remote, params (string Name, string Value)[] headers)
    {
        var context = new DefaultHttpContext();
        context.Request.Scheme = "http";
        context.Request.Host = new HostString("127.0.0.1:5000");
        context.Connection.RemoteIpAddress = IPAddress.Parse(remote);
        foreach (var (name, value) in headers)
        {
            context.Request.Headers[name] = value;
        }

        return context;
    }

    [Fact]
    public void Configured_Wins() =>
        new PublicUrlResolver(new PassthroughOptions { PublicUrl = "https://registry.example.com" })
            .Realm(Request("10.0.0.5", ("X-Forwarded-Host", "other.example"))).Should().Be("https://registry.example.com/v2/token");

    [Fact]
    public void ForwardedHeaders_OnlyFromTrustedProxy()
    {
        var resolver = new PublicUrlResolver(new PassthroughOptions { TrustedProxies = [IPAddress.Parse("10.0.0.5")] });
        (string, string)[] forwarded = [("X-Forwarded-Host", "registry.example.com"), ("X-Forwarded-Proto", "https")];

        resolver.Resolve(Request("10.0.0.5", forwarded)).Should().Be("https://registry.example.com");
        resolver.Resolve(Request("::ffff:10.0.0.5", forwarded)).Should().Be("https://registry.example.com");
        resolver.Resolve(Request("10.0.0.6", forwarded)).Should().Be("http://127.0.0.1:5000");
        resolver.Service(Request("10.0.0.6", forwarded)).Should().Be("127.0.0.1:5000");
    }

    [Fact]
    public void ForwardedHost_WithQuoteOrPath_Ignored()
    {
        var resolver = new PublicUrlResolver(new PassthroughOptions { TrustedProxies = [IPAddress.Parse("10.0.0.5")] });

        resolver.Resolve(Request("10.0.0.5", ("X-Forwarded-Host", "a\",realm=\"x"))).Should().Be("http://127.0.0.1:5000");
        resolver.Resolve(Request("10.0.0.5", ("X-Forwarded-Host", "evil.example/path"))).Should().Be("http://127.0.0.1:5000");
    }
}
