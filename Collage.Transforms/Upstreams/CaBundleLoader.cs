using Collage.Transforms.Configuration;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Collage.Transforms.Upstreams;

/// <summary>
/// Reads the CA certificates named by <see cref="UpstreamOptions.CaFile"/>.
/// </summary>
internal static class CaBundleLoader
{
    /// <summary>
    /// File name endings read from a CA directory: the ones Docker's <c>certs.d</c> and the
    /// Debian <c>ca-certificates</c> layout use. <c>*.cert</c> and <c>*.key</c> (client
    /// credentials in <c>certs.d</c>) are deliberately not read.
    /// </summary>
    internal static readonly string[] DirectoryPatterns = ["*.pem", "*.crt"];

    /// <summary>Loads every certificate of a PEM file or of a directory of PEM/CRT files.</summary>
    /// <exception cref="InvalidOperationException">The path is missing, unreadable or holds no certificate.</exception>
    public static X509Certificate2Collection Load(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);

        var bundle = new X509Certificate2Collection();
        if (Directory.Exists(path))
        {
            // Sorted, so that a bundle loads the same way on every start.
            string[] files;
            try
            {
                files = DirectoryPatterns
                    .SelectMany(pattern => Directory.EnumerateFiles(path, pattern, SearchOption.TopDirectoryOnly))
                    .Order(StringComparer.Ordinal)
                    .ToArray();
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                throw new InvalidOperationException($"The upstream CA directory '{path}' cannot be read: {ex.Message}", ex);
            }

            foreach (var file in files)
            {
                bundle.AddRange(LoadFile(file));
            }

            if (bundle.Count == 0)
            {
                throw new InvalidOperationException(
                    $"The upstream CA directory '{path}' holds no certificate in {string.Join(" or ", DirectoryPatterns)} files.");
            }

            return bundle;
        }

        if (!File.Exists(path))
        {
            throw new InvalidOperationException($"The upstream CA file '{path}' does not exist.");
        }

        bundle.AddRange(LoadFile(path));
        if (bundle.Count == 0)
        {
            throw new InvalidOperationException($"The upstream CA file '{path}' holds no certificate.");
        }

        return bundle;
    }

    private static X509Certificate2Collection LoadFile(string file)
    {
        byte[] content;
        try
        {
            content = File.ReadAllBytes(file);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new InvalidOperationException($"The upstream CA file '{file}' cannot be read: {ex.Message}", ex);
        }

        var certificates = new X509Certificate2Collection();
        try
        {
            var text = System.Text.Encoding.ASCII.GetString(content);
            if (text.Contains("-----BEGIN", StringComparison.Ordinal))
            {
                // Items that are not CERTIFICATE (a key next to the CA, say) are skipped.
                certificates.ImportFromPem(text);
            }
            else if (content.Length > 0)
            {
                // A *.crt is often DER.
                certificates.Add(X509CertificateLoader.LoadCertificate(content));
            }
        }
        catch (CryptographicException ex)
        {
            throw new InvalidOperationException($"The upstream CA file '{file}' is not a PEM or DER certificate: {ex.Message}", ex);
        }

        return certificates;
    }
}
