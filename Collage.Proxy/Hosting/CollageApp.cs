using Collage.Proxy.Configuration;
using Collage.Proxy.Health;
using Collage.Proxy.Observability;
using Collage.Transforms.Configuration;
using Collage.Transforms.Mounts;
using Collage.Transforms.Upstreams;

namespace Collage.Proxy.Hosting;

/// <summary>Builds and runs the Collage gateway.</summary>
public static class CollageApp
{
    /// <summary>Runs the gateway until shutdown; a configuration error prints its message and exits with 2.</summary>
    public static async Task<int> RunAsync(string[] args)
    {
        if (args is ["--healthcheck", var url])
        {
            return await HealthCheck.RunAsync(url);
        }

        WebApplication app;
        try
        {
            app = Build(args);
        }
        catch (CollageConfigException ex)
        {
            await Console.Error.WriteLineAsync($"collage: {ex.Message}");
            return 2;
        }

        KestrelSetup.PrepareSockets(app.Services);
        try
        {
            await app.RunAsync();
        }
        catch (IOException ex) when (ex.InnerException is Microsoft.AspNetCore.Connections.AddressInUseException)
        {
            // A clear line, not a stack trace: the usual cause is a second instance or another service on the port.
            await Console.Error.WriteLineAsync($"collage: {ex.Message} Pass another --port (or COLLAGE_PORT), or stop what listens there.");
            return 1;
        }

        return 0;
    }

    /// <summary>
    /// Builds the gateway from <paramref name="args"/>, appsettings.json, the environment and an optional
    /// config file. Throws <see cref="CollageConfigException"/> for a configuration that must not start.
    /// </summary>
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            Args = args,
            // appsettings.json (the embedded default config) sits beside the binary, wherever it is run from.
            ContentRootPath = AppContext.BaseDirectory,
        });
        ConfigurationSources.AddCollageSources(builder.Configuration, args);
        configure?.Invoke(builder);

        // Read and validate everything before anything is registered: a bad key stops start-up here.
        var server = ServerOptionsReader.Read(builder.Configuration);
        var fileStatus = ConfigurationSources.AddConfigFile(builder.Configuration, server.ConfigFile);
        var options = CollageConfigReader.Read(builder.Configuration);
        var table = MountTableBuilder.Build(options);
        var health = HealthConfigReader.Read(builder.Configuration);
        var ui = Ui.UiConfigReader.Read(builder.Configuration);

        LogFormat.Configure(builder.Logging, builder.Configuration);
        KestrelSetup.Configure(builder, server);
        CollageServices.Add(builder.Services, builder.Configuration, options, table, health, fileStatus);
        Ui.UiServiceCollectionExtensions.AddCollageUi(builder.Services, ui);

        var app = builder.Build();
        // Every upstream's client now, so a bad CA file stops start-up, not the first pull.
        app.Services.GetRequiredService<UpstreamClientFactory>().Prepare(table);
        // The cache now, so an unusable cache folder stops start-up and the index is loaded before the first pull.
        _ = app.Services.GetRequiredService<Collage.Transforms.Caching.PullThroughCache>();
        Transforms.Access.AccessPolicyReview.Log(app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Collage.Access"), table);
        CollagePipeline.Map(app);
        return app;
    }
}
