using System.Text;

namespace Collage.Tests.EndToEnd.Infrastructure;

/// <summary>Renders the config.yml of a distribution registry (2.8) from <see cref="DistributionRegistryOptions"/>.</summary>
internal static class DistributionRegistryConfig
{
    /// <summary>Returns the YAML text.</summary>
    public static string Render(DistributionRegistryOptions options, string storageRoot, int port, string? htpasswdPath)
    {
        var yaml = new StringBuilder();
        yaml.AppendLine("version: 0.1");
        yaml.AppendLine("log:");
        yaml.AppendLine("  level: info");
        yaml.AppendLine("storage:");
        yaml.AppendLine("  filesystem:");
        yaml.AppendLine($"    rootdirectory: {Quote(storageRoot)}");
        yaml.AppendLine("  delete:");
        yaml.AppendLine("    enabled: true");
        yaml.AppendLine("  maintenance:");
        yaml.AppendLine("    uploadpurging:");
        yaml.AppendLine("      enabled: false");
        yaml.AppendLine("http:");
        yaml.AppendLine($"  addr: 127.0.0.1:{port}");

        // A fixed secret silences the "generated random secret" warning; it only signs upload state.
        yaml.AppendLine($"  secret: {Guid.NewGuid():N}");
        yaml.AppendLine("health:");
        yaml.AppendLine("  storagedriver:");
        yaml.AppendLine("    enabled: false");
        if (options.RedirectBaseUri is { } redirect)
        {
            // storage.redirect alone does nothing on the filesystem driver; the redirect middleware is what
            // turns blob GET/HEAD into 307 to baseurl + the storage path.
            yaml.AppendLine("middleware:");
            yaml.AppendLine("  storage:");
            yaml.AppendLine("    - name: redirect");
            yaml.AppendLine("      options:");
            yaml.AppendLine($"        baseurl: {Quote(redirect.AbsoluteUri)}");
        }

        if (htpasswdPath is not null)
        {
            yaml.AppendLine("auth:");
            yaml.AppendLine("  htpasswd:");
            yaml.AppendLine("    realm: collage-e2e");
            yaml.AppendLine($"    path: {Quote(htpasswdPath)}");
        }

        if (!string.IsNullOrWhiteSpace(options.ExtraYaml))
        {
            yaml.AppendLine(options.ExtraYaml.TrimEnd());
        }

        return yaml.ToString();
    }

    private static string Quote(string value) => "\"" + value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";
}
