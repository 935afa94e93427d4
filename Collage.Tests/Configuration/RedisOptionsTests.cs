using Collage.Transforms.Configuration;

namespace Collage.Tests.Configuration;

public sealed class RedisOptionsTests
{
    [Fact]
    public void ToString_ConfigurationWithPassword_NeverPrintsIt()
    {
        var options = new RedisOptions { Configuration = "redis.corp.lan:6379,password=hunter2-secret", KeyPrefix = "fleet:" };

        var printed = options.ToString();

        printed.Should().NotContain("hunter2-secret").And.NotContain("redis.corp.lan").And.Contain("Configuration = (set)").And.Contain("KeyPrefix = fleet:");
    }
}
