using System.Net;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Collage.Proxy.Configuration;
using Collage.Proxy.Endpoints;
using Collage.Proxy.Health;
using Collage.Proxy.Observability;
using Collage.Proxy.Registry;
using Collage.Proxy.Routing;
using Collage.Transforms.Catalog;
using Collage.Transforms.Configuration;
using Collage.Transforms.Credentials;
using Collage.Transforms.Mounts;
using Collage.Transforms.Passthrough;
using Collage.Transforms.Rewriting;
using Collage.Transforms.Upstreams;
using Microsoft.Extensions.Configuration.Json;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Options;
using Yarp.ReverseProxy.Forwarder;

namespace Collage.Proxy.Hosting;

/// <summary>Builds and runs the Collage gateway.</summary>
public static class CollageApp
{
    private static readonly Dictionary<string, string> Switches = new(StringComparer.Ordinal)
    {
        ["--port"] = $"{ServerOptions.SectionName}:{nameof(ServerOptions.Port)}",
        ["--bind"] = $"{ServerOptions.SectionName}:{nameof(ServerOptions.Bind)}",
        ["--cert"] = $"{ServerOptions.SectionName}:{nameof(ServerOptions.CertFile)}",
        ["--key"] = $"{ServerOptions.SectionName}:{nameof(ServerOptions.KeyFile)}",
        ["--config-file"] = $"{ServerOptions.SectionName}:{nameof(ServerOptions.ConfigFile)}",
        ["--log-format"] = "Logging:Console:FormatterName",
    };

    private static readonly Dictionary<string, string> EnvironmentVariables = new(StringComparer.Ordinal)
    {
        ["COLLAGE_PORT"] = Switches["--port"],
        ["COLLAGE_BIND"] = Switches["--bind"],
        ["COLLAGE_CONFIG_FILE"] = Switches["--config-file"],
        ["COLLAGE_LOG_FORMAT"] = Switches["--log-format"],
    };

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

        // Before Kestrel opens the first socket of the process, which is when the runtime reads the switch.
        if (app.Services.GetRequiredService<IOptions<SocketTransportOptions>>().Value.UnsafePreferInlineScheduling)
        {
            SocketCompletions.EnableInlineUnlessSet();
        }

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
        AddCollageSources(builder.Configuration, args);
        configure?.Invoke(builder);

        var server = ServerOptionsReader.Read(builder.Configuration);
        var fileStatus = new ConfigFileStatus();
        if (server.ConfigFile is { } configFile)
        {
            AddConfigFile(builder.Configuration, configFile, fileStatus);
        }

        var options = CollageConfigReader.Read(builder.Configuration);
        var table = MountTableBuilder.Build(options);
        var health = HealthConfigReader.Read(builder.Configuration);
        LogFormat.Configure(builder.Logging, builder.Configuration);
        ConfigureKestrel(builder, server);
        var limits = KestrelLimits.Read(builder.Configuration);
        builder.WebHost.ConfigureKestrel(kestrel => KestrelLimits.Apply(kestrel, limits));
        ConfigureServices(builder.Services, table, options.Http);
        builder.Services.AddSingleton(fileStatus);
        builder.Services.AddHostedService<ConfigurationReloader>();
        builder.Services.AddCollageObservability(builder.Configuration);
        builder.Services.AddCollageHealth(health);
        builder.Services.AddUpstreamCredentials(options, DockerConfigFile.Locate(options.DockerConfig, Environment.GetEnvironmentVariable));

        var app = builder.Build();
        // Every upstream's client now, so a bad CA file stops start-up, not the first pull.
        app.Services.GetRequiredService<UpstreamClientFactory>().Prepare(table);
        app.UseMiddleware<RequestTelemetryMiddleware>();
        app.UseMiddleware<RegistryGatewayMiddleware>();
        app.UseRouting();
        app.MapObservabilityEndpoints();
        app.MapMethods("/v2/", [HttpMethods.Get, HttpMethods.Head], BaseEndpoint.HandleAsync);
        app.MapMethods("/v2/_catalog", [HttpMethods.Get, HttpMethods.Head], CatalogEndpoint.HandleAsync);
        app.MapMethods(TokenEndpoint.Path, [HttpMethods.Get, HttpMethods.Head, HttpMethods.Post], TokenEndpoint.HandleAsync);
        app.MapReverseProxy(proxy =>
        {
            proxy.UseMiddleware<ForwarderErrorMiddleware>();
            proxy.UseMiddleware<UpstreamSelectionMiddleware>();
        });

        return app;
    }

    private static void ConfigureServices(IServiceCollection services, MountTable table, UpstreamHttpOptions http)
    {
        services.AddSingleton(new MountTableProvider(table));
        services.AddSingleton(Options.Create(http));
        services.AddSingleton<CatalogAggregator>();
        services.AddSingleton<MountMapSelector>();
        services.AddUpstreamHandlers();

        var (routes, clusters) = ProxyConfigFactory.Create(table, http);
        services.AddReverseProxy()
            .LoadFromMemory(routes, clusters)
            .AddTransforms<RegistryTransformProvider>();

        // After AddReverseProxy, so this factory replaces YARP's default one.
        services.AddSingleton<UpstreamClientFactory>();
        services.AddSingleton<IForwarderHttpClientFactory>(sp => sp.GetRequiredService<UpstreamClientFactory>());
    }

    private static void AddCollageSources(ConfigurationManager configuration, string[] args)
    {
        var fromEnvironment = EnvironmentVariables
            .Select(pair => (pair.Value, Environment.GetEnvironmentVariable(pair.Key)))
            .Where(pair => !string.IsNullOrEmpty(pair.Item2))
            .ToDictionary(pair => pair.Value, pair => pair.Item2);
        configuration.AddInMemoryCollection(fromEnvironment);
        configuration.AddCommandLine(args, Switches);
    }

    private static void AddConfigFile(ConfigurationManager configuration, string configFile, ConfigFileStatus status)
    {
        var path = Path.GetFullPath(configFile, Environment.CurrentDirectory);
        if (!File.Exists(path))
        {
            throw new CollageConfigException("--config-file", $"the file '{path}' does not exist. Pass the path of a collage config.json.");
        }

        var sources = configuration.Sources;
        var lastDefault = -1;
        for (var i = 0; i < sources.Count; i++)
        {
            if (sources[i] is JsonConfigurationSource { Path: { } jsonPath } json && jsonPath.StartsWith("appsettings", StringComparison.OrdinalIgnoreCase))
            {
                sources[i] = new DefaultMountsFilterSource(json);
                lastDefault = i;
            }
        }

        var source = new CollageFileConfigurationSource
        {
            Path = Path.GetFileName(path),
            // Polled (every 4 s), not watched with inotify: a watcher wakes a thread for every write to any file
            // in the directory, so a log written beside the config cost each request a wake-up (bench/RESULTS.md);
            // polling also sees a Kubernetes ConfigMap's symlink swap.
            FileProvider = new PhysicalFileProvider(Path.GetDirectoryName(path)!) { UsePollingFileWatcher = true, UseActivePolling = true },
            Optional = false,
            ReloadOnChange = true,
        };
        try
        {
            sources.Insert(lastDefault + 1, source);
        }
        catch (InvalidDataException ex)
        {
            throw new CollageConfigException("--config-file", $"'{path}' is not valid JSON ({ex.InnerException?.Message ?? ex.Message}).");
        }

        // From now on a broken edit (or a half-written save) must not stop the running gateway.
        source.OnLoadException = context =>
        {
            status.Failed(context.Exception);
            context.Ignore = true;
        };
    }

    private static void ConfigureKestrel(WebApplicationBuilder builder, ServerOptions server)
    {
        if (server.CertFile is { } certFile)
        {
            try
            {
                using var _ = System.Security.Cryptography.X509Certificates.X509Certificate2.CreateFromPemFile(certFile, server.KeyFile);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or System.Security.Cryptography.CryptographicException)
            {
                throw new CollageConfigException("--cert", $"the certificate '{certFile}' with key '{server.KeyFile}' could not be loaded ({ex.Message}). Pass PEM files.");
            }

            builder.Services.AddSingleton(services => new ServerCertificateReloader(
                certFile,
                server.KeyFile,
                server.CertificateReloadInterval,
                services.GetRequiredService<TimeProvider>(),
                services.GetRequiredService<ILoggerFactory>().CreateLogger<ServerCertificateReloader>()));
        }

        // The slim builder leaves TLS out unless asked for.
        builder.WebHost.UseKestrelHttpsConfiguration();
        if (server.InlineScheduling)
        {
            builder.WebHost.UseSockets(sockets => sockets.UnsafePreferInlineScheduling = true);
        }

        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            var address = server.Bind is null ? IPAddress.IPv6Any : IPAddress.Parse(server.Bind);
            kestrel.Listen(address, server.Port, listen =>
            {
                if (server.CertFile is not null)
                {
                    var certificates = kestrel.ApplicationServices.GetRequiredService<ServerCertificateReloader>();
                    listen.UseHttps(new HttpsConnectionAdapterOptions { ServerCertificateSelector = (_, _) => certificates.Current });
                }
            });
        });
    }
}
