namespace Collage.Tests.Functional.Hostile;

/// <summary>
/// The corpus of malicious requests. Where Kestrel refuses a request at the protocol layer (malformed
/// request line or headers, a limit of <c>Server:Limits</c>), it answers with its own empty-bodied 400, 414
/// or 431, and the request never reaches Collage; everything that parses as HTTP gets an OCI error body.
/// The gateway under test mounts <c>apps</c> globally and <c>secret</c> only on the vhost <c>private.lan</c>.
/// </summary>
internal static class HostileCorpus
{
    private static readonly string Digest = "sha256:" + new string('a', 64);

    public static IReadOnlyList<HostileCase> Cases { get; } =
    [
        // Path traversal and smuggled separators (the raw target is judged, before Kestrel normalises it).
        Get("traversal: upper-case %2E%2E", "/v2/apps/%2E%2E/%2E%2E/v2/_catalog/manifests/v1", 400, "NAME_INVALID"),
        Get("traversal: ../ in the reference", "/v2/apps/web/manifests/..%2F..%2F..%2Fetc%2Fpasswd", 400, "NAME_INVALID"),
        Get("traversal: double-encoded dots", "/v2/apps/%252e%252e/web/manifests/v1", 400, "NAME_INVALID"),
        Get("traversal: encoded backslashes", "/v2/apps/web%5c..%5csecret/manifests/v1", 400, "NAME_INVALID"),
        Get("traversal: ..; (Tomcat-style)", "/v2/apps/..;/secret/manifests/v1", 400, "NAME_INVALID"),
        Get("traversal: NUL byte (Kestrel refuses a decoded NUL)", "/v2/apps/web%00/manifests/v1", 400, null),
        Get("traversal: overlong UTF-8 dots", "/v2/apps/%c0%ae%c0%ae/secret/manifests/v1", 400, "NAME_INVALID"),
        Get("traversal: ../ before the name", "/v2/../v2/apps/web/manifests/v1", 400, "NAME_INVALID"),
        Get("traversal: into a digest", $"/v2/apps/web/blobs/sha256:..%2f..%2f{new string('a', 58)}", 400, "NAME_INVALID"),
        Get("traversal: fullwidth dots", "/v2/apps/%ef%bc%8e%ef%bc%8e/secret/manifests/v1", 400, "NAME_INVALID"),

        // Overlong names, tags and targets.
        Get("overlong: name of 300 characters", $"/v2/apps/{string.Join('/', Enumerable.Repeat("abcdefghi", 30))}/manifests/v1", 400, "NAME_INVALID"),
        Get("overlong: tag of 129 characters", $"/v2/apps/web/manifests/{new string('t', 129)}", 404, "MANIFEST_UNKNOWN"),
        Get("overlong: digest of 1000 hex digits", $"/v2/apps/web/blobs/sha256:{new string('a', 1000)}", 400, "DIGEST_INVALID"),
        Get("overlong: request line over 4 KiB", $"/v2/apps/{new string('a', 5000)}/manifests/v1", 414, null),

        // Invalid digests.
        Get("digest: upper-case hex", $"/v2/apps/web/blobs/sha256:{new string('A', 64)}", 400, "DIGEST_INVALID"),
        Get("digest: upper-case algorithm", $"/v2/apps/web/blobs/SHA256:{new string('a', 64)}", 400, "DIGEST_INVALID"),
        Get("digest: percent-encoded colon and slash", $"/v2/apps/web/blobs/sha256%3a%2f{new string('a', 63)}", 400, "NAME_INVALID"),
        Get("digest: 63 hex digits", $"/v2/apps/web/blobs/sha256:{new string('a', 63)}", 400, "DIGEST_INVALID"),
        Get("digest: not hex in a manifest reference", "/v2/apps/web/manifests/sha256:zz", 400, "DIGEST_INVALID"),
        Get("digest: a tag where a blob digest belongs", "/v2/apps/web/blobs/latest", 400, "DIGEST_INVALID"),

        // Header bombs and oversized headers (Server:Limits).
        Get("headers: 100 header fields", "/v2/apps/web/manifests/v1", 431, null, Headers(100, 10)),
        Get("headers: one header of 40 KiB", "/v2/apps/web/manifests/v1", 431, null, Headers(1, 40 * 1024)),
        Get("headers: 50 headers of 1 KiB (total over 32 KiB)", "/v2/apps/web/manifests/v1", 431, null, Headers(50, 1024)),
        Get("headers: obsolete line folding", "/v2/apps/web/manifests/v1", 400, null, "X-Folded: a\r\n b\r\n"),
        Raw("headers: two Host headers", "GET /v2/apps/web/manifests/v1 HTTP/1.1\r\nHost: {host}\r\nHost: private.lan\r\nConnection: close\r\n\r\n", 400, null),
        Get("smuggling: Content-Length with Transfer-Encoding", "/v2/apps/web/manifests/v1", 400, "UNSUPPORTED", "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n"),
        Raw("smuggling: a GET with a chunked body", "GET /v2/apps/web/manifests/v1 HTTP/1.1\r\nHost: {host}\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n5\r\nhello\r\n0\r\n\r\n", 400, "UNSUPPORTED"),
        Raw("smuggling: a GET with a body", "GET /v2/apps/web/manifests/v1 HTTP/1.1\r\nHost: {host}\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhello", 400, "UNSUPPORTED"),

        // CRLF and other injection in query values.
        Get("query: CRLF in n", "/v2/apps/web/tags/list?n=10%0d%0aX-Injected:%20yes", 400, "UNSUPPORTED"),
        Get("query: CRLF in last", "/v2/apps/web/tags/list?n=2&last=a%0d%0aSet-Cookie:%20x=1", 400, "UNSUPPORTED"),
        Get("query: CRLF in the catalog's last", "/v2/_catalog?n=2&last=a%0d%0aLocation:%20http://evil", 400, "UNSUPPORTED"),
        Raw("query: raw CRLF in the request line", "GET /v2/apps/web/tags/list?n=1\r\nX-Injected: yes HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n", 400, null),

        // Paging numbers.
        Get("n: larger than any integer", "/v2/apps/web/tags/list?n=99999999999999999999", 400, "UNSUPPORTED"),
        Get("n: negative", "/v2/apps/web/tags/list?n=-1", 400, "UNSUPPORTED"),
        Get("n: hexadecimal", "/v2/apps/web/tags/list?n=0x7fffffff", 400, "UNSUPPORTED"),
        Get("n: given twice", "/v2/apps/web/tags/list?n=1&n=100000", 400, "UNSUPPORTED"),
        Get("n: huge on the catalog", "/v2/_catalog?n=1e99", 400, "UNSUPPORTED"),

        // A forged last that no tag or repository name can be (a printable one is passed on encoded; EgressTests).
        Get("last: TAB and NUL", "/v2/apps/web/tags/list?last=a%09b%00", 400, "UNSUPPORTED"),
        Get("last: non-ASCII", "/v2/_catalog?last=%c3%a9vil", 400, "UNSUPPORTED"),
        Get("last: 300 characters", $"/v2/apps/web/tags/list?last={new string('z', 300)}", 400, "UNSUPPORTED"),

        // Host headers reaching for another vhost's mounts (secret is mounted on private.lan only).
        Get("vhost: suffix of the vhost", "/v2/secret/x/manifests/v1", 404, "NAME_UNKNOWN", host: "private.lan.attacker.example"),
        Get("vhost: prefix of the vhost", "/v2/secret/x/manifests/v1", 404, "NAME_UNKNOWN", host: "xprivate.lan"),
        Get("vhost: userinfo in Host", "/v2/secret/x/manifests/v1", 400, null, host: "private.lan@127.0.0.1"),
        Get("vhost: two ports in Host", "/v2/secret/x/manifests/v1", 400, null, host: "private.lan:1:2"),
        Get("vhost: X-Forwarded-Host is not believed", "/v2/secret/x/manifests/v1", 404, "NAME_UNKNOWN", "X-Forwarded-Host: private.lan\r\nForwarded: host=private.lan\r\n"),
        Raw("vhost: absolute-form naming the vhost, Host another", "GET http://private.lan/v2/secret/x/manifests/v1 HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n", 400, null),

        // Absolute-form and other request-target forms; attempts to make Collage fetch from elsewhere.
        Raw("target: absolute-form to an unconfigured host", "GET http://{decoy}/v2/apps/web/manifests/v1 HTTP/1.1\r\nHost: {decoy}\r\nConnection: close\r\n\r\n", 400, "NAME_INVALID"),
        Raw("target: absolute-form https", "GET https://{decoy}/v2/ HTTP/1.1\r\nHost: {decoy}\r\nConnection: close\r\n\r\n", 400, "NAME_INVALID"),
        // Outside /v2/ nothing is forwarded; ASP.NET routing answers 404 without a body.
        Raw("target: CONNECT to an unconfigured host", "CONNECT {decoy} HTTP/1.1\r\nHost: {decoy}\r\nConnection: close\r\n\r\n", 404, null),
        Raw("target: asterisk-form", "OPTIONS * HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n", 404, null),
        Get("name: an upstream host as the name", "/v2/{decoy}/team/web/manifests/v1", 400, "NAME_INVALID"),
        Get("name: a URL as the name", "/v2/http:%2f%2f{decoy}%2fteam/manifests/v1", 400, "NAME_INVALID"),
        Raw("method: a write with a 10 MB body", $"POST /v2/apps/web/blobs/uploads/ HTTP/1.1\r\nHost: {{host}}\r\nContent-Length: 10000000\r\nConnection: close\r\n\r\n{new string('x', 64 * 1024)}", 405, "UNSUPPORTED"),
        Raw("method: non-token characters", "G\u0001T /v2/ HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n", 400, null),
        Raw("target: raw non-ASCII bytes", "GET /v2/apps/w\u00e9b/manifests/v1 HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n", 400, null),
    ];

    private static HostileCase Get(string name, string target, int status, string? code, string headers = "", string host = "{host}") =>
        new(name, $"GET {target} HTTP/1.1\r\nHost: {host}\r\n{headers}Connection: close\r\n\r\n", status, code);

    private static HostileCase Raw(string name, string request, int status, string? code) => new(name, request, status, code);

    private static string Headers(int count, int size) =>
        string.Concat(Enumerable.Range(0, count).Select(i => $"X-Bomb-{i}: {new string('b', size)}\r\n"));
}
