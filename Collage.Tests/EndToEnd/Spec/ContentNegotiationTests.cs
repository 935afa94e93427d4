using Collage.Tests.EndToEnd.Infrastructure;

namespace Collage.Tests.EndToEnd.Spec;

/// <summary>
/// Content negotiation through Collage against distribution 2.8.2 itself (distribution spec 1.1, "Pulling manifests":
/// the client's <c>Accept</c> selects the representation). For every tag (Docker schema 2, Docker manifest list, OCI
/// manifest, OCI index), every kind of client (none, Docker schema 2 only, OCI manifest only, Docker types, OCI types,
/// all four) and GET and HEAD, Collage answers what the registry answers directly: without the cache, and with it, on
/// the miss and on the answer after it.
/// </summary>
public sealed class ContentNegotiationTests(SpecRegistryFixture fixture) : IClassFixture<SpecRegistryFixture>
{
    private static readonly Dictionary<string, string?> Clients = new()
    {
        ["none"] = null,
        ["docker-schema2-only"] = NegotiationImages.DockerManifestType,
        ["oci-manifest-only"] = OciMediaTypes.ImageManifest,
        ["docker-types"] = $"{NegotiationImages.DockerListType}, {NegotiationImages.DockerManifestType}",
        ["oci-types"] = $"{OciMediaTypes.ImageIndex}, {OciMediaTypes.ImageManifest}",
        ["all-four"] = $"{OciMediaTypes.ImageIndex}, {OciMediaTypes.ImageManifest}, {NegotiationImages.DockerListType};q=0.9, {NegotiationImages.DockerManifestType};q=0.9",
    };

    public static TheoryData<string, string, string> Cases()
    {
        var data = new TheoryData<string, string, string>();
        foreach (var method in new[] { "GET", "HEAD" })
        {
            foreach (var tag in new[] { "docker2", "list", "oci", "index" })
            {
                foreach (var client in Clients.Keys)
                {
                    data.Add(method, tag, client);
                }
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task GetOrHeadByTag_EveryAcceptOfClients_SameAnswerAsDistributionWithAndWithoutCache(string method, string tag, string client)
    {
        var accept = Clients[client];
        var verb = new HttpMethod(method);
        var direct = await ManifestAnswer.FetchAsync(fixture.Direct, verb, $"/v2/team/app/manifests/{tag}", accept);
        var local = $"/v2/{SpecRegistryFixture.Mount}/app/manifests/{tag}";

        var plain = await ManifestAnswer.FetchAsync(fixture.Plain.Client, verb, local, accept);
        var miss = await ManifestAnswer.FetchAsync(fixture.Cached.Client, verb, local, accept);
        var next = await ManifestAnswer.FetchAsync(fixture.Cached.Client, verb, local, accept);

        plain.DifferenceFrom(direct).Should().BeNull("without the cache Collage answers {0} {1} for a client accepting {2} as distribution does", method, tag, client);
        miss.DifferenceFrom(direct).Should().BeNull("with the cache (first answer) Collage answers {0} {1} for a client accepting {2} as distribution does", method, tag, client);
        next.DifferenceFrom(direct).Should().BeNull("with the cache (second answer) Collage answers {0} {1} for a client accepting {2} as distribution does", method, tag, client);
        if (direct.Status == 200)
        {
            plain.Digest.Should().NotBeNull("every manifest answer carries Docker-Content-Digest");
            (method == "HEAD" ? plain.Length : plain.Body.Length).Should().BeGreaterThan(0);
        }
    }

    [Theory]
    [InlineData("docker2", false)]
    [InlineData("list", false)]
    [InlineData("oci", false)]
    [InlineData("index", false)]
    [InlineData("docker2", true)]
    [InlineData("list", true)]
    [InlineData("oci", true)]
    [InlineData("index", true)]
    public async Task GetByDigest_AcceptingItsTypeOrAllFour_SameBytesAsDistributionWithAndWithoutCache(string tag, bool allFour)
    {
        var (_, mediaType, body) = fixture.Images.Tagged.Single(t => t.Tag == tag);
        var digest = Sha256Digest.Of(body);
        var accept = allFour ? Clients["all-four"] : mediaType;
        var direct = await ManifestAnswer.FetchAsync(fixture.Direct, HttpMethod.Get, $"/v2/team/app/manifests/{digest}", accept);
        var local = $"/v2/{SpecRegistryFixture.Mount}/app/manifests/{digest}";

        var answers = new[]
        {
            await ManifestAnswer.FetchAsync(fixture.Plain.Client, HttpMethod.Get, local, accept),
            await ManifestAnswer.FetchAsync(fixture.Cached.Client, HttpMethod.Get, local, accept),
            await ManifestAnswer.FetchAsync(fixture.Cached.Client, HttpMethod.Get, local, accept),
        };

        direct.Status.Should().Be(200);
        direct.Body.Should().Equal(body);
        answers.Select(a => a.DifferenceFrom(direct)).Should().AllSatisfy(d => d.Should().BeNull());
        answers.Should().AllSatisfy(a => a.Digest.Should().Be(digest));
    }
}
