// bench/YarpBaseline: YARP 2.3 forwarding everything to one destination, with YARP's defaults and no
// logging. bench/run measures it beside Collage so the cost of the platform and the cost of Collage's own
// work (mount resolution, allow-lists, rewriting, metrics, access log) can be told apart.
// Usage: YarpBaseline <destination> <listen url>
using Yarp.ReverseProxy.Configuration;

var builder = WebApplication.CreateSlimBuilder(args);
builder.Logging.ClearProviders();
builder.Services.AddReverseProxy().LoadFromMemory(
    [new RouteConfig { RouteId = "all", ClusterId = "upstream", Match = new RouteMatch { Path = "/{**remainder}" } }],
    [new ClusterConfig { ClusterId = "upstream", Destinations = new Dictionary<string, DestinationConfig> { ["d"] = new() { Address = args[0] } } }]);
var app = builder.Build();
app.MapReverseProxy();
app.Run(args[1]);
