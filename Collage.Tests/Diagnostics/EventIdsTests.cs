using System.Reflection;
using Collage.Proxy.Hosting;
using Collage.Transforms.Diagnostics;
using Collage.Transforms.Mounts;
using Microsoft.Extensions.Logging;

namespace Collage.Tests.Diagnostics;

public sealed class EventIdsTests
{
    private static readonly (string Method, int EventId)[] Logged =
    [
        .. new[] { typeof(CollageApp).Assembly, typeof(MountTable).Assembly }
            .SelectMany(assembly => assembly.GetTypes())
            .SelectMany(type => type.GetMethods(BindingFlags.Static | BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
            .Select(method => (Method: $"{method.DeclaringType!.FullName}.{method.Name}", Attribute: method.GetCustomAttribute<LoggerMessageAttribute>()))
            .Where(m => m.Attribute is not null)
            .Select(m => (m.Method, m.Attribute!.EventId)),
    ];

    private static readonly int[] Listed =
        [.. typeof(EventIds).GetFields(BindingFlags.Public | BindingFlags.Static).Select(f => (int)f.GetRawConstantValue()!)];

    [Fact]
    public void EveryLoggerMessage_UsesAnIdOfTheCentralList()
    {
        Logged.Should().HaveCountGreaterThan(30, "both assemblies log through [LoggerMessage]");
        Logged.Where(m => !Listed.Contains(m.EventId)).Select(m => $"{m.Method} ({m.EventId})").Should().BeEmpty();
    }

    [Fact]
    public void NoTwoEvents_ShareAnId()
    {
        Listed.Should().OnlyHaveUniqueItems();
        Logged.GroupBy(m => m.EventId).Where(g => g.Count() > 1).Select(g => $"{g.Key}: {string.Join(", ", g.Select(m => m.Method))}").Should().BeEmpty();
    }

    [Fact]
    public void EveryListedId_IsLogged()
    {
        Listed.Except(Logged.Select(m => m.EventId)).Should().BeEmpty("an id nothing logs is a stale entry");
    }
}
