using System.Net;
using System.Text;

namespace Collage.Tests.Functional.Referrers;

/// <summary>
/// An upstream without the referrers API (404, 405 or 501 on the referrers call): Collage answers from the referrers
/// tag schema (distribution-spec v1.1): the index under <c>sha256-&lt;hex&gt;</c>, filtered on request, its
/// descriptors completed from the referring manifests, and the empty index where there is no such tag.
/// </summary>
public sealed class ReferrersEmulationTests
{
    internal const string Sbom = "application/vnd.example.sbom.v1+json";
    internal const string Signature = "application/vnd.example.signature.v1+json";

    [Theory]
    [InlineData(ReferrersSupport.NotFound)]
    [InlineData(ReferrersSupport.NotFoundOciError)]
    [InlineData(ReferrersSupport.MethodNotAllowed)]
    [InlineData(ReferrersSupport.NotImplemented)]
    public async Task Get_UpstreamWithoutApi_TheFallbackTagsIndexExactly(ReferrersSupport support)
    {
        await using var registry = await ReferrersRegistry.StartAsync(support);
        var (subject, sbom, signature) = SeedFallback(registry);
        await using var collage = await ReferrersMount.StartCollageAsync(registry);

        using var answer = await ReferrersAnswer.SendAsync(collage.Client, ReferrersMount.LocalPath(subject));

        answer.ShouldBeIndexOf(sbom.Descriptor(), signature.Descriptor());
        answer.Header("Link").Should().BeNull("the emulated answer is one page");
        answer.Header("OCI-Filters-Applied").Should().BeNull();
        answer.ShouldNameNothingOf(registry);
        registry.ReferrersRequests.Should().ContainSingle().Which.PathAndQuery.Should().Be(ReferrersMount.UpstreamPath(subject));
        var fallback = registry.ManifestRequests.Should().ContainSingle("descriptors that carry their artifactType need no manifest fetched").Subject;
        fallback.Method.Should().Be("GET");
        fallback.PathAndQuery.Should().Be(ReferrersMount.FallbackTagPath(subject));
        fallback.Header("Accept").Should().Contain(Artifact.ImageIndex);
    }

    [Fact]
    public async Task Get_FallbackWithArtifactType_OnlyThatTypeAndFiltersAppliedHeader()
    {
        await using var registry = await ReferrersRegistry.StartAsync(ReferrersSupport.NotFound);
        var (subject, _, signature) = SeedFallback(registry);
        await using var collage = await ReferrersMount.StartCollageAsync(registry);

        using var answer = await ReferrersAnswer.SendAsync(collage.Client, ReferrersMount.LocalPath(subject, "?artifactType=" + Uri.EscapeDataString(Signature)));
        using var none = await ReferrersAnswer.SendAsync(collage.Client, ReferrersMount.LocalPath(subject, "?artifactType=application%2Fvnd.example.other"));

        answer.ShouldBeIndexOf(signature.Descriptor());
        answer.Header("OCI-Filters-Applied").Should().Be("artifactType");
        none.ShouldBeIndexOf();
        none.Header("OCI-Filters-Applied").Should().Be("artifactType");
    }

    [Fact]
    public async Task Head_Fallback_HeadersOfTheGetWithoutBody()
    {
        await using var registry = await ReferrersRegistry.StartAsync(ReferrersSupport.NotFound);
        var (subject, _, _) = SeedFallback(registry);
        await using var collage = await ReferrersMount.StartCollageAsync(registry);

        using var get = await ReferrersAnswer.SendAsync(collage.Client, ReferrersMount.LocalPath(subject));
        using var head = await ReferrersAnswer.SendAsync(collage.Client, ReferrersMount.LocalPath(subject), HttpMethod.Head);

        head.Status.Should().Be(HttpStatusCode.OK);
        head.Body.Should().BeEmpty();
        head.Response.Content.Headers.ContentType!.MediaType.Should().Be(Artifact.ImageIndex);
        head.Response.Content.Headers.ContentLength.Should().Be(get.Body.Length);
    }

    [Theory]
    [InlineData(ReferrersSupport.NotFound)]
    [InlineData(ReferrersSupport.MethodNotAllowed)]
    public async Task Get_FallbackTagMissing_EmptyIndex200(ReferrersSupport support)
    {
        await using var registry = await ReferrersRegistry.StartAsync(support);
        var subject = Artifact.Image(3);
        registry.Put(ReferrersMount.Upstream, subject, "v1");
        await using var collage = await ReferrersMount.StartCollageAsync(registry);

        using var answer = await ReferrersAnswer.SendAsync(collage.Client, ReferrersMount.LocalPath(subject));

        answer.ShouldBeIndexOf();
        registry.ManifestRequests.Should().ContainSingle().Which.Path.Should().Be(ReferrersMount.FallbackTagPath(subject));
    }

    [Fact]
    public async Task Get_FallbackTagHoldsAnImageManifest_EmptyIndex()
    {
        await using var registry = await ReferrersRegistry.StartAsync(ReferrersSupport.NotFound);
        var subject = Artifact.Image(4);
        registry.Put(ReferrersMount.Upstream, subject, "v1");
        registry.Put(ReferrersMount.Upstream, Artifact.Image(5), subject.FallbackTag);
        await using var collage = await ReferrersMount.StartCollageAsync(registry);

        using var answer = await ReferrersAnswer.SendAsync(collage.Client, ReferrersMount.LocalPath(subject));

        answer.ShouldBeIndexOf();
    }

    [Fact]
    public async Task Get_FallbackTagHoldsADockerManifestList_EmptyIndex()
    {
        await using var registry = await ReferrersRegistry.StartAsync(ReferrersSupport.NotFound);
        var subject = Artifact.Image(6);
        registry.Put(ReferrersMount.Upstream, subject, "v1");
        const string dockerList = "application/vnd.docker.distribution.manifest.list.v2+json";
        var list = Encoding.UTF8.GetBytes($$"""{"schemaVersion":2,"mediaType":"{{dockerList}}","manifests":[{"mediaType":"application/vnd.docker.distribution.manifest.v2+json","digest":"{{subject.Digest}}","size":1}]}""");
        registry.Put(ReferrersMount.Upstream, new Artifact(dockerList, list, null, null), subject.FallbackTag);
        await using var collage = await ReferrersMount.StartCollageAsync(registry);

        using var answer = await ReferrersAnswer.SendAsync(collage.Client, ReferrersMount.LocalPath(subject));

        answer.ShouldBeIndexOf();
    }

    [Fact]
    public async Task Get_RepositoryUnknownUpstream_404NameUnknown()
    {
        await using var registry = await ReferrersRegistry.StartAsync(ReferrersSupport.NotFound);
        var subject = Artifact.Image(7);
        await using var collage = await ReferrersMount.StartCollageAsync(registry);

        using var answer = await ReferrersAnswer.SendAsync(collage.Client, ReferrersMount.LocalPath(subject));

        await answer.ShouldBeErrorAsync(HttpStatusCode.NotFound, "NAME_UNKNOWN", registry);
    }

    [Fact]
    public async Task Get_DescriptorsWithoutArtifactType_CompletedFromTheReferringManifests()
    {
        await using var registry = await ReferrersRegistry.StartAsync(ReferrersSupport.NotFound);
        var subject = Artifact.Image(8);
        registry.Put(ReferrersMount.Upstream, subject, "v1");
        var typed = Artifact.Referrer(subject, Sbom, seed: 1, annotations: new Dictionary<string, string> { ["org.opencontainers.image.created"] = "2025-01-01T00:00:00Z" });
        const string configType = "application/vnd.example.signature.config.v1+json";
        var byConfig = Artifact.Referrer(subject, artifactType: null, configMediaType: configType, seed: 2, annotations: new Dictionary<string, string> { ["com.example.signer"] = "ci" });
        registry.Put(ReferrersMount.Upstream, typed);
        registry.Put(ReferrersMount.Upstream, byConfig);

        // As an older client writes the fallback index: bare descriptors.
        registry.PutFallbackTag(ReferrersMount.Upstream, subject, Artifact.Index(
            typed.Descriptor(withArtifactType: false, withAnnotations: false),
            byConfig.Descriptor(withArtifactType: false, withAnnotations: false)));
        await using var collage = await ReferrersMount.StartCollageAsync(registry);

        using var answer = await ReferrersAnswer.SendAsync(collage.Client, ReferrersMount.LocalPath(subject));
        using var filtered = await ReferrersAnswer.SendAsync(collage.Client, ReferrersMount.LocalPath(subject, "?artifactType=" + Uri.EscapeDataString(configType)));

        byConfig.ArtifactType.Should().Be(configType);
        answer.ShouldBeIndexOf(typed.Descriptor(), byConfig.Descriptor());
        filtered.ShouldBeIndexOf(byConfig.Descriptor());
        registry.ManifestRequests.Select(r => r.Path).Should().Contain([$"/v2/{ReferrersMount.Upstream}/manifests/{typed.Digest}", $"/v2/{ReferrersMount.Upstream}/manifests/{byConfig.Digest}"]);
    }

    [Fact]
    public async Task Get_ReferringManifestMissingUpstream_DescriptorAsTheTagWroteIt()
    {
        await using var registry = await ReferrersRegistry.StartAsync(ReferrersSupport.NotFound);
        var subject = Artifact.Image(9);
        registry.Put(ReferrersMount.Upstream, subject, "v1");
        var gone = Artifact.Referrer(subject, Sbom, seed: 1);
        registry.PutFallbackTag(ReferrersMount.Upstream, subject, Artifact.Index(gone.Descriptor(withArtifactType: false)));
        await using var collage = await ReferrersMount.StartCollageAsync(registry);

        using var answer = await ReferrersAnswer.SendAsync(collage.Client, ReferrersMount.LocalPath(subject));

        answer.ShouldBeIndexOf(gone.Descriptor(withArtifactType: false));
    }

    [Fact]
    public async Task Get_ManyDescriptorsWithoutArtifactType_ABoundedNumberOfManifestsFetched()
    {
        await using var registry = await ReferrersRegistry.StartAsync(ReferrersSupport.NotFound);
        var subject = Artifact.Image(10);
        registry.Put(ReferrersMount.Upstream, subject, "v1");
        var referrers = Enumerable.Range(0, 100).Select(i => Artifact.Referrer(subject, Sbom, seed: i)).ToArray();
        foreach (var referrer in referrers)
        {
            registry.Put(ReferrersMount.Upstream, referrer);
        }

        registry.PutFallbackTag(ReferrersMount.Upstream, subject, Artifact.Index([.. referrers.Select(r => r.Descriptor(withArtifactType: false))]));
        await using var collage = await ReferrersMount.StartCollageAsync(registry);

        using var answer = await ReferrersAnswer.SendAsync(collage.Client, ReferrersMount.LocalPath(subject));

        answer.Status.Should().Be(HttpStatusCode.OK);
        answer.Manifests.Select(d => d!["digest"]!.GetValue<string>()).Should().Equal(referrers.Select(r => r.Digest));
        var fetched = registry.ManifestRequests.Count - 1;
        fetched.Should().BeInRange(1, 32, "one answer costs the upstream a bounded number of requests");
        answer.Manifests.Count(d => d!["artifactType"] is not null).Should().Be(fetched);
    }

    [Fact]
    public async Task Get_MirrorRequestWithNs_EmulatedAndNsAskedOfNeitherCall()
    {
        await using var registry = await ReferrersRegistry.StartAsync(ReferrersSupport.NotFound);
        var (subject, sbom, signature) = SeedFallback(registry);
        await using var collage = await Infrastructure.CollageServer.StartAsync(new
        {
            vhosts = new Dictionary<string, object>
            {
                ["mirror.example"] = new { mappings = new Dictionary<string, string> { ["apps"] = $"http://{registry.Authority}/{ReferrersMount.UpstreamNamespace}" } },
            },
        });

        using var answer = await ReferrersAnswer.SendAsync(collage.Client, ReferrersMount.LocalPath(subject, "?ns=mirror.example"));

        answer.ShouldBeIndexOf(sbom.Descriptor(), signature.Descriptor());
        registry.Requests.Should().HaveCount(2).And.OnlyContain(r => r.QueryString.Value!.Length == 0);
    }

    /// <summary>
    /// A subject with an SBOM and a signature referring to it, and the fallback tag listing both with their artifact
    /// types and annotations, as oras and cosign write it for a registry without the API.
    /// </summary>
    internal static (Artifact Subject, Artifact Sbom, Artifact Signature) SeedFallback(ReferrersRegistry registry, string repository = ReferrersMount.Upstream)
    {
        var subject = Artifact.Image(1);
        registry.Put(repository, subject, "v1");
        var sbom = Artifact.Referrer(subject, Sbom, seed: 1, annotations: new Dictionary<string, string> { ["org.opencontainers.image.created"] = "2025-01-01T00:00:00Z" });
        var signature = Artifact.Referrer(subject, Signature, seed: 2, annotations: new Dictionary<string, string> { ["com.example.signer"] = "ci", ["com.example.empty"] = string.Empty });
        registry.Put(repository, sbom);
        registry.Put(repository, signature);
        registry.PutFallbackTag(repository, subject, Artifact.Index(sbom.Descriptor(), signature.Descriptor()));
        return (subject, sbom, signature);
    }
}
