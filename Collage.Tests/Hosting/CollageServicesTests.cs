using Collage.Proxy.Hosting;
using Collage.Transforms.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Collage.Tests.Hosting;

public sealed class CollageServicesTests
{
    private static string[] Args(params string[] more) => ["--port", "0", "--bind", "127.0.0.1", .. more];

    [Fact]
    public async Task Add_CollageHttp_IsTheUpstreamHttpOptionsServed()
    {
        await using var app = CollageApp.Build(Args("--Collage:Http:ConnectTimeout", "00:00:03"));

        app.Services.GetRequiredService<IOptions<UpstreamHttpOptions>>().Value.Should().Be(new UpstreamHttpOptions { ConnectTimeout = TimeSpan.FromSeconds(3) });
    }
}
