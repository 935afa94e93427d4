using Collage.Transforms.Configuration;
using System.Text.RegularExpressions;
using Collage.Transforms.Diagnostics;
using Microsoft.Extensions.Logging;

namespace Collage.Transforms.Access;

/// <summary>
/// The users of an htpasswd file of bcrypt hashes (<c>htpasswd -B</c> writes <c>$2y$</c>): looked at again at most once
/// a second and re-read when its time or size changed; a file that does not parse is refused whole (logged) and the
/// last good one kept, so a broken edit never locks everyone out. Passwords are checked by bcrypt itself, whose
/// comparison takes the same time wherever the first difference is.
/// </summary>
internal sealed partial class HtpasswdUsers(string path, TimeProvider time, ILogger logger)
{
    // A user that does not exist costs a bcrypt check too, so timing does not tell names apart: at the cost most of
    // the file's hashes have (htpasswd -B writes 5; -C 12 makes a check some fifty times longer). Only the cost is kept:
    // hashing the password given at that cost (with a fresh salt) is the same work as checking it against a hash, and
    // reading the file then costs no bcrypt (a reload under the lock, on a request's thread, held up every login).
    private const int DefaultDummyCost = 5;

    private readonly object _lock = new();
    private volatile int _dummyCost = DefaultDummyCost;
    private volatile IReadOnlyDictionary<string, string> _hashes = new Dictionary<string, string>();
    private FileStamp _seen;
    private long _checkedAt = long.MinValue;

    /// <summary>Which reading of the file is in force; a changed file changes it, so cached logins end.</summary>
    public int Version { get; private set; }

    /// <summary>The bcrypt cost an unknown user's check is made at.</summary>
    internal int DummyCost => _dummyCost;

    /// <summary>Whether <paramref name="user"/> is in the file now.</summary>
    public bool Contains(string user)
    {
        Refresh();
        return _hashes.ContainsKey(user);
    }

    /// <summary>Whether <paramref name="password"/> is <paramref name="user"/>'s.</summary>
    public bool Verify(string user, string password)
    {
        Refresh();
        if (!_hashes.TryGetValue(user, out var hash))
        {
            BCrypt.Net.BCrypt.HashPassword(password, _dummyCost);
            return false;
        }

        try
        {
            return BCrypt.Net.BCrypt.Verify(password, hash);
        }
        catch (BCrypt.Net.SaltParseException)
        {
            return false;
        }
    }

    /// <summary>
    /// Looks at the file again when a second has passed since the last look, and re-reads it when it changed (then
    /// <see cref="Version"/> moves on). Cheap: callers that remember logins call it before trusting one.
    /// </summary>
    public void Refresh()
    {
        var now = time.GetTimestamp();
        if (time.GetElapsedTime(Interlocked.Read(ref _checkedAt), now) < TimeSpan.FromSeconds(1) && _checkedAt != long.MinValue)
        {
            return;
        }

        lock (_lock)
        {
            // Marked as looked at only once the look is over: callers meanwhile wait for it here, instead of checking
            // against no users at all while the file is read for the first time (right passwords got 401 then).
            try
            {
                Reread();
            }
            finally
            {
                Interlocked.Exchange(ref _checkedAt, now);
            }
        }
    }

    // Under the lock.
    private void Reread()
    {
        // The final target: a Kubernetes Secret volume's ..data swap changes it, not the link (FileStamp).
        var seen = FileStamp.Of(path);
        if (seen == _seen)
        {
            return;
        }

        _seen = seen;
        try
        {
            var hashes = Parse(File.ReadAllLines(path));
            _dummyCost = hashes.Count == 0 ? _dummyCost : hashes.Values.GroupBy(Cost).MaxBy(g => g.Count())!.Key;
            _hashes = hashes;
            Version++;
            LogLoaded(logger, path, _hashes.Count);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException)
        {
            LogRefused(logger, path, ex is FormatException ? ex.Message : ex.GetType().Name);
        }
    }

    /// <summary>The users of an htpasswd file's lines; throws <see cref="FormatException"/> for a line that is not bcrypt.</summary>
    internal static Dictionary<string, string> Parse(IEnumerable<string> lines)
    {
        var hashes = new Dictionary<string, string>(StringComparer.Ordinal);
        var number = 0;
        foreach (var raw in lines)
        {
            number++;
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            var colon = line.IndexOf(':');
            var hash = colon > 0 ? line[(colon + 1)..] : string.Empty;
            if (!BcryptHash().IsMatch(hash))
            {
                // A whole hash or none: a cut one ($2y$05$abc) would throw inside the bcrypt library at login.
                // Line numbers only: the line holds a hash, which is never logged.
                throw new FormatException($"line {number} is not 'user:bcrypt-hash' (write the file with htpasswd -B)");
            }

            hashes[line[..colon]] = hash;
        }

        return hashes;
    }

    // $2y$NN$...: the cost is the two digits after the prefix (Parse checked the form).
    private static int Cost(string hash) => int.Parse(hash.AsSpan(4, 2), System.Globalization.CultureInfo.InvariantCulture);

    // The modular crypt form of bcrypt: $2a$, $2b$ or $2y$, a two-digit cost, then 22 characters of salt and 31 of hash.
    [GeneratedRegex(@"^\$2[aby]\$(0[4-9]|[12][0-9]|3[01])\$[./A-Za-z0-9]{53}\z", RegexOptions.CultureInvariant)]
    private static partial Regex BcryptHash();

    [LoggerMessage(EventId = EventIds.HtpasswdLoaded, Level = LogLevel.Information, Message = "Access control: {Users} users read from {Path}")]
    private static partial void LogLoaded(ILogger logger, string path, int users);

    [LoggerMessage(EventId = EventIds.HtpasswdRefused, Level = LogLevel.Warning, Message = "Access control: {Path} was not read ({Reason}); the last good users stay in force")]
    private static partial void LogRefused(ILogger logger, string path, string reason);
}
