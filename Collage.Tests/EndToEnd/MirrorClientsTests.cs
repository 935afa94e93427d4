using System.Diagnostics;
using System.Security.Cryptography;
using Collage.Tests.EndToEnd.Infrastructure;
using Xunit.Abstractions;

namespace Collage.Tests.EndToEnd;

/// <summary>
/// Real mirror clients pull through Collage exactly as they would on a node: podman and skopeo through a
/// <c>registries.conf</c> mirror whose location carries a namespace, containerd's ctr through a <c>hosts.toml</c>
/// mirror (which adds <c>?ns=</c>). The registry names they are asked for (<c>registry.production.lan</c>,
/// <c>docker.io</c>) must never be looked up: Go's resolver, run with <c>GODEBUG=netdns=go+2</c>, prints every
/// host it resolves, and <c>localhost</c> (resolved from /etc/hosts) shows that the printing works.
/// </summary>
[Collection(MirrorClientsCollection.Name)]
public sealed class MirrorClientsTests(MirrorClientsFixture fixture, ITestOutputHelper output)
{
    private const string ProductionRegistry = "registry.production.lan";

    /// <summary>Go's resolver prints "go package net: hostLookupOrder(HOST) = ..." for each name it resolves.</summary>
    private static readonly Dictionary<string, string> ResolverDebug = new() { ["GODEBUG"] = "netdns=go+2" };

    [Fact]
    public async Task Podman_RegistriesConfMirrorWithNamespace_PullsCaaspVelumFromKubic()
    {
        using var podman = new Podman();
        using var config = TempDirectory.Create("registries-conf");
        var registriesConf = await WriteRegistriesConfAsync(config);
        var before = fixture.Registry.AccessLog.Count;

        var mirrored = await podman.PullAsync($"{ProductionRegistry}/caasp/velum:2.0", registriesConf, ResolverDebug);
        var rewritten = await podman.PullAsync("registry.staging.lan/caasp/velum:2.0", registriesConf, ResolverDebug);
        output.WriteLine($"podman pull through the mirror: {mirrored.Elapsed.TotalSeconds:F2} s; through the location rewrite: {rewritten.Elapsed.TotalSeconds:F2} s");

        (await podman.ImageDigestAsync($"{ProductionRegistry}/caasp/velum:2.0")).Should().Be(fixture.Velum.ManifestDigest);
        (await podman.ImageDigestAsync("registry.staging.lan/caasp/velum:2.0")).Should().Be(fixture.Velum.ManifestDigest);
        foreach (var run in new[] { mirrored, rewritten })
        {
            AssertResolvedOnlyLocalhost(run, ProductionRegistry, "registry.staging.lan");
        }

        var log = fixture.Registry.AccessLog.Skip(before).ToList();
        foreach (var blob in fixture.Velum.LayerDigests)
        {
            log.Should().Contain(e => e.Method == "GET" && e.Target == $"/v2/kubic/v3/velum/blobs/{blob}", "Collage maps caasp to kubic/v3");
        }
    }

    [Fact]
    public async Task Skopeo_RegistriesConfMirrorWithNamespace_CopyAndInspectGoThroughCollage()
    {
        using var config = TempDirectory.Create("registries-conf");
        using var target = TempDirectory.Create("skopeo-mirror");
        var registriesConf = await WriteRegistriesConfAsync(config);
        // skopeo 1.9 ignores CONTAINERS_REGISTRIES_CONF; its global flag is the way. It applies mirrors to copy and to
        // inspect --no-tags only (listing tags asks the primary location).
        using var skopeo = new Skopeo { GlobalArguments = ["--registries-conf", registriesConf], Environment = ResolverDebug };

        var stopwatch = Stopwatch.StartNew();
        var copy = await skopeo.CopyAsync($"docker://{ProductionRegistry}/caasp/velum:2.0", $"dir:{target.Path}");
        var inspect = await skopeo.RunAsync(["inspect", "--raw", "--no-tags", $"docker://{ProductionRegistry}/caasp/velum:2.0"]);
        output.WriteLine($"skopeo copy through the mirror: {copy.Elapsed.TotalSeconds:F2} s; inspect: {inspect.Elapsed.TotalSeconds:F2} s; total {stopwatch.Elapsed.TotalSeconds:F2} s");

        Sha256(await File.ReadAllBytesAsync(target.Combine("manifest.json"))).Should().Be(fixture.Velum.ManifestDigest);
        foreach (var blob in fixture.Velum.BlobDigests)
        {
            Sha256(await File.ReadAllBytesAsync(target.Combine(Sha256Digest.Hex(blob)))).Should().Be(blob);
        }

        Sha256(inspect.StandardOutputBytes).Should().Be(fixture.Velum.ManifestDigest);
        AssertResolvedOnlyLocalhost(copy, ProductionRegistry);
        AssertResolvedOnlyLocalhost(inspect, ProductionRegistry);
    }

    [Fact]
    public async Task Ctr_HostsTomlMirror_NsSelectsTheProductionVhostAndIsNotForwarded()
    {
        // The mirror is 127.0.0.1, a Host no vhost matches (and the global map is empty): only ns can find caasp.
        using var hosts = TempDirectory.Create("hosts-d");
        var hostsDir = await WriteHostsTomlAsync(hosts, ProductionRegistry, $"http://127.0.0.1:{fixture.Port}");
        var before = fixture.Registry.AccessLog.Count;

        var pull = await fixture.Containerd.PullAsync($"{ProductionRegistry}/caasp/velum:2.0", hostsDir, ResolverDebug, "--plain-http");
        output.WriteLine($"ctr pull through hosts.toml mirror: {pull.Elapsed.TotalSeconds:F2} s");

        (await fixture.Containerd.ImageNamesAsync()).Should().Contain($"{ProductionRegistry}/caasp/velum:2.0");
        pull.StandardOutput.Should().Contain(fixture.Velum.ManifestDigest.Replace("sha256:", "manifest-sha256:", StringComparison.Ordinal));
        pull.StandardError.Should().NotContain($"hostLookupOrder({ProductionRegistry}");
        fixture.Collage.Logs.All.Should().Contain($"Mirror request for registry {ProductionRegistry}: serving vhost {ProductionRegistry}");
        var log = fixture.Registry.AccessLog.Skip(before).Where(e => e.Target.StartsWith("/v2/kubic/v3/velum/", StringComparison.Ordinal)).ToList();
        log.Should().Contain(e => e.Target == $"/v2/kubic/v3/velum/manifests/{fixture.Velum.ManifestDigest}" || e.Target == "/v2/kubic/v3/velum/manifests/2.0");
        foreach (var blob in fixture.Velum.LayerDigests)
        {
            log.Should().Contain(e => e.Target == $"/v2/kubic/v3/velum/blobs/{blob}", "each layer is fetched once, without ns");
        }

        log.Should().OnlyContain(e => !e.Target.Contains('?'), "ns is Collage's selector and never reaches the upstream");
    }

    [Fact]
    public async Task Ctr_DockerIoThroughHostsTomlMirror_NsDockerIoFindsTheRegistry1Vhost()
    {
        // Host localhost is a vhost without a root mount: library/alpine resolves only in the vhost ns names.
        using var hosts = TempDirectory.Create("hosts-d");
        var hostsDir = await WriteHostsTomlAsync(hosts, "docker.io", $"http://localhost:{fixture.Port}");

        var pull = await fixture.Containerd.PullAsync("docker.io/library/alpine:latest", hostsDir, ResolverDebug);
        output.WriteLine($"ctr pull docker.io through hosts.toml mirror: {pull.Elapsed.TotalSeconds:F2} s");

        (await fixture.Containerd.ImageNamesAsync()).Should().Contain("docker.io/library/alpine:latest");
        pull.StandardOutput.Should().Contain(fixture.Alpine.ManifestDigest.Replace("sha256:", "manifest-sha256:", StringComparison.Ordinal));
        AssertResolvedOnlyLocalhost(pull, "docker.io", "registry-1.docker.io", "index.docker.io");
        fixture.Collage.Logs.All.Should().Contain("Mirror request for registry docker.io: serving vhost registry-1.docker.io");
    }

    /// <summary>
    /// registries.conf (containers-registries.conf(5), v2): <c>registry.production.lan/caasp</c> has a mirror whose
    /// location carries the namespace <c>caasp</c>; <c>registry.staging.lan</c> is rewritten to Collage itself.
    /// </summary>
    private async Task<string> WriteRegistriesConfAsync(TempDirectory directory)
    {
        var path = directory.Combine("registries.conf");
        await File.WriteAllTextAsync(path, $"""
            unqualified-search-registries = []

            [[registry]]
            prefix = "{ProductionRegistry}/caasp"
            location = "{ProductionRegistry}/caasp"

            [[registry.mirror]]
            location = "localhost:{fixture.Port}/caasp"
            insecure = true

            [[registry]]
            prefix = "registry.staging.lan"
            location = "localhost:{fixture.Port}"
            insecure = true
            """);
        return path;
    }

    /// <summary>
    /// <c>DIR/REGISTRY/hosts.toml</c> (containerd docs/hosts.md): <paramref name="mirror"/> first for pull and resolve.
    /// The fallback server is a closed loopback port, not the registry: were the mirror to fail, ctr would otherwise
    /// look the registry's name up in DNS, outside this machine.
    /// </summary>
    private static async Task<string> WriteHostsTomlAsync(TempDirectory directory, string registry, string mirror)
    {
        Directory.CreateDirectory(directory.Combine(registry));
        await File.WriteAllTextAsync(directory.Combine(registry, "hosts.toml"), $"""
            server = "http://127.0.0.1:1"

            [host."{mirror}"]
              capabilities = ["pull", "resolve"]
            """);
        return directory.Path;
    }

    private static void AssertResolvedOnlyLocalhost(ProcessResult run, params string[] neverResolved)
    {
        run.StandardError.Should().Contain("hostLookupOrder(localhost)", "Go's resolver debug output is on, so a lookup would show");
        foreach (var name in neverResolved)
        {
            run.StandardError.Should().NotContain($"hostLookupOrder({name}", "{0} is only a string the client rewrites", name);
        }
    }

    private static string Sha256(byte[] bytes) => "sha256:" + Convert.ToHexStringLower(SHA256.HashData(bytes));
}
