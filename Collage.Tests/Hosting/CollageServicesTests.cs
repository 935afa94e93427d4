using Collage.Proxy.Hosting;
using Collage.Transforms.Configuration;
using Collage.Transforms.Credentials;
using Collage.Transforms.Mounts;
using Microsoft.Extensions.DependencyInjection;

namespace Collage.Tests.Hosting;

public sealed class CollageServicesTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("collage-services-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static string[] Args(params string[] more) => ["--port", "0", "--bind", "127.0.0.1", .. more];

    [Fact]
    public async Task Add_CollageHttp_IsTheTableInForce()
    {
        await using var app = CollageApp.Build(Args("--Collage:Http:ConnectTimeout", "00:00:03"));

        app.Services.GetRequiredService<MountTableProvider>().Current.Http.Should().Be(new UpstreamHttpOptions { ConnectTimeout = TimeSpan.FromSeconds(3) });
    }

    [Fact]
    public async Task Add_DockerConfig_RegistersOneCredentialResolverReadingIt()
    {
        var dockerConfig = Path.Combine(_directory, "config.json");
        await File.WriteAllTextAsync(dockerConfig, """{ "auths": {} }""");
        IServiceCollection? services = null;

        await using var app = CollageApp.Build(Args("--Collage:DockerConfig", dockerConfig), builder => services = builder.Services);

        // Two registrations worked only because the last one won; the handler chain and the token relay must share one.
        services!.Where(d => d.ServiceType == typeof(UpstreamCredentialResolver)).Should().ContainSingle();
        var table = app.Services.GetRequiredService<MountTableProvider>().Current;
        app.Services.GetRequiredService<UpstreamCredentialResolver>().Locate(table.DockerConfig).Should().Be(dockerConfig);
    }
}
