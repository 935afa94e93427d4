using Collage.Transforms.Registry;

namespace Collage.Transforms.Diagnostics;

/// <summary>
/// Tag names and pre-built tag values of <see cref="CollageMetrics"/>: kinds and status codes are boxed once,
/// so recording a measurement allocates nothing.
/// </summary>
internal static class MetricTags
{
    public const string Vhost = "vhost";
    public const string Mount = "mount";
    public const string Upstream = "upstream";
    public const string Kind = "kind";
    public const string Status = "status";
    public const string Outcome = "outcome";
    public const string CrossOrigin = "cross_origin";

    public const string TokenKind = "token";
    public const string Success = "success";
    public const string Failure = "failure";
    public const string True = "true";
    public const string False = "false";

    /// <summary>The mount label of the root mount <c>/</c>.</summary>
    public const string RootMount = "/";

    private static readonly string[] KindNames = CreateKindNames();
    private static readonly object[] StatusValues = Enumerable.Range(0, 600).Select(code => (object)code).ToArray();

    /// <summary><c>manifest</c>, <c>blob</c>, <c>tags</c>, <c>catalog</c>, <c>referrers</c>, <c>base</c>, <c>token</c> or <c>other</c>.</summary>
    public static string KindName(RegistryRequestKind kind) => (uint)kind < (uint)KindNames.Length ? KindNames[(int)kind] : "other";

    /// <summary>The status code as a boxed value cached for 0 (no answer) to 599.</summary>
    public static object StatusValue(int status) => (uint)status < (uint)StatusValues.Length ? StatusValues[status] : status;

    /// <summary>The label of a mount: its local prefix, <c>/</c> for the root mount.</summary>
    public static string MountName(Collage.Transforms.Mounts.Mount mount) => mount.LocalPrefix.Length == 0 ? RootMount : mount.LocalPrefix;

    private static string[] CreateKindNames()
    {
        var names = new string[(int)RegistryRequestKind.Token + 1];
        names[(int)RegistryRequestKind.Unknown] = "other";
        names[(int)RegistryRequestKind.Base] = "base";
        names[(int)RegistryRequestKind.Catalog] = "catalog";
        names[(int)RegistryRequestKind.Manifest] = "manifest";
        names[(int)RegistryRequestKind.Blob] = "blob";
        names[(int)RegistryRequestKind.Tags] = "tags";
        names[(int)RegistryRequestKind.Referrers] = "referrers";
        names[(int)RegistryRequestKind.Token] = TokenKind;
        return names;
    }
}
