using Collage.Proxy.Hosting;

namespace Collage.Tests.Hosting;

[Collection(ProcessEnvironmentCollection.Name)]
public sealed class SocketCompletionsTests : IDisposable
{
    private readonly string? _original = Environment.GetEnvironmentVariable(SocketCompletions.Variable);

    public void Dispose() => Environment.SetEnvironmentVariable(SocketCompletions.Variable, _original);

    [Fact]
    public void EnableInlineUnlessSet_Unset_SetsOne()
    {
        Environment.SetEnvironmentVariable(SocketCompletions.Variable, null);

        SocketCompletions.EnableInlineUnlessSet().Should().BeTrue();

        Environment.GetEnvironmentVariable(SocketCompletions.Variable).Should().Be("1");
    }

    [Fact]
    public void EnableInlineUnlessSet_OperatorSaidZero_KeepsZero()
    {
        Environment.SetEnvironmentVariable(SocketCompletions.Variable, "0");

        SocketCompletions.EnableInlineUnlessSet().Should().BeFalse();

        Environment.GetEnvironmentVariable(SocketCompletions.Variable).Should().Be("0");
    }
}
