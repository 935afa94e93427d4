using System.Security.Cryptography;

namespace Collage.Proxy.Ui.Manifests;

/// <summary>
/// Reads what the tag page shows: the manifest, for an index each platform's manifest (for its size) and the first
/// platform's config, for an image its config, and the referrers, all through <c>/v2/</c> and side by side.
/// </summary>
internal sealed class TagLoader(UiRegistryClient client)
{
    // The spec's manifest limit (distribution-spec: registries SHOULD accept manifests up to 4 MiB); configs alike.
    private const int MaxBody = 4 * 1024 * 1024;

    // An index of a few platforms is the rule; a multi-arch index of many (and attestations) is read in part.
    private const int MaxPlatforms = 32;
    private const int Parallel = 4;

    private static readonly string[] ConfigTypes = ["application/vnd.oci.image.config.v1+json", "application/vnd.docker.container.image.v1+json"];

    /// <summary>The manifest <paramref name="reference"/> of <paramref name="name"/>, or the failed answer.</summary>
    public async Task<(TagDetails? Details, UiAnswer? Failure)> LoadAsync(HttpContext context, string name, string reference)
    {
        var answer = await client.GetAsync(context, $"/v2/{name}/manifests/{reference}", UiManifest.Accept, MaxBody);
        if (!answer.IsSuccess)
        {
            return (null, answer);
        }

        if (UiManifest.Parse(answer.Body, answer.ContentType) is not { } manifest)
        {
            return (null, answer with { Status = StatusCodes.Status502BadGateway, Body = [] });
        }

        var digest = answer.Digest ?? $"sha256:{Convert.ToHexStringLower(SHA256.HashData(answer.Body))}";
        var referrers = ReferrersAsync(context, name, digest);
        IReadOnlyList<(UiDescriptor, long?)> platforms = [];
        UiImageConfig? config = null;
        string? configPlatform = null;
        if (manifest.IsIndex)
        {
            var children = await ChildrenAsync(context, name, manifest.Entries.Take(MaxPlatforms).ToList());
            platforms = children.Select(c => (c.Entry, c.Manifest?.ImageSize)).ToList();
            var first = children.FirstOrDefault(c => c.Manifest?.Config is not null && c.Entry.Platform is { } p && !p.StartsWith("unknown", StringComparison.Ordinal));
            if (first.Manifest is not null)
            {
                config = await ConfigAsync(context, name, first.Manifest);
                configPlatform = first.Entry.Platform;
            }
        }
        else
        {
            config = await ConfigAsync(context, name, manifest);
        }

        return (new TagDetails(digest, manifest, platforms, config, configPlatform, await referrers), null);
    }

    private async Task<List<(UiDescriptor Entry, UiManifest? Manifest)>> ChildrenAsync(HttpContext context, string name, List<UiDescriptor> entries)
    {
        using var gate = new SemaphoreSlim(Parallel);
        var reads = entries.Select(async entry =>
        {
            await gate.WaitAsync(context.RequestAborted);
            try
            {
                var answer = await client.GetAsync(context, $"/v2/{name}/manifests/{entry.Digest}", UiManifest.Accept, MaxBody);
                return (entry, answer.IsSuccess ? UiManifest.Parse(answer.Body, answer.ContentType) : null);
            }
            finally
            {
                gate.Release();
            }
        });
        return [.. await Task.WhenAll(reads)];
    }

    private async Task<UiImageConfig?> ConfigAsync(HttpContext context, string name, UiManifest image)
    {
        if (image.Config is not { } config || !ConfigTypes.Contains(config.MediaType) || config.Size > MaxBody)
        {
            return null;
        }

        var answer = await client.GetAsync(context, $"/v2/{name}/blobs/{config.Digest}", null, MaxBody);
        return answer.IsSuccess ? UiImageConfig.Parse(answer.Body) : null;
    }

    // Referrers are extra: a registry or mount that cannot answer them leaves the section empty, not the page broken.
    private async Task<IReadOnlyList<UiDescriptor>> ReferrersAsync(HttpContext context, string name, string digest)
    {
        var answer = await client.GetAsync(context, $"/v2/{name}/referrers/{digest}", "application/vnd.oci.image.index.v1+json", MaxBody);
        return answer.IsSuccess ? UiManifest.ParseReferrers(answer.Body) : [];
    }
}
