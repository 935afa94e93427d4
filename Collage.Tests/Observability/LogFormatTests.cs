using Collage.Proxy.Observability;
using Collage.Transforms.Configuration;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;

namespace Collage.Tests.Observability;

public sealed class LogFormatTests
{
    [Theory]
    [InlineData("json", "json")]
    [InlineData("JSON", "json")]
    [InlineData("systemd", "systemd")]
    public void Configure_KnownFormat_SetsTheConsoleFormatter(string value, string expected)
    {
        var options = ConsoleOptions(value);

        options.Should().NotBeNull();
        options!.FormatterName.Should().Be(expected);
    }

    [Fact]
    public void Configure_NothingSet_AddsNoConsoleLogger()
    {
        ConsoleOptions(null).Should().BeNull();
    }

    [Fact]
    public void Configure_UnknownFormat_StopsStartUpNamingTheSwitch()
    {
        var configure = () => ConsoleOptions("xml");

        configure.Should().Throw<CollageConfigException>().Which.Key.Should().Be("--log-format");
    }

    private static ConsoleLoggerOptions? ConsoleOptions(string? format)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection([KeyValuePair.Create(LogFormat.ConfigurationKey, format)])
            .Build();
        var services = new ServiceCollection();
        services.AddLogging(logging => LogFormat.Configure(logging, configuration));
        using var provider = services.BuildServiceProvider();
        return provider.GetService<ILoggerProvider>() is ConsoleLoggerProvider
            ? provider.GetRequiredService<IOptionsMonitor<ConsoleLoggerOptions>>().CurrentValue
            : null;
    }
}
