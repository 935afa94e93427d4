using System.Net;
using System.Net.Sockets;

namespace Collage.Tests.EndToEnd.Infrastructure;

public sealed class FreePortTests
{
    [Fact]
    public void Next_ReturnsAPortThatCanBeBoundOnLoopback()
    {
        var port = FreePort.Next();

        port.Should().BeInRange(1024, 65535);
        using var listener = new TcpListener(IPAddress.Loopback, port);
        listener.Start();
        ((IPEndPoint)listener.LocalEndpoint).Port.Should().Be(port);
    }
}
