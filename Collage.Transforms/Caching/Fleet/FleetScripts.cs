namespace Collage.Transforms.Caching.Fleet;

/// <summary>
/// The Lua scripts of the fleet coordinator. Redis runs a script atomically (no other command in between), so a
/// compare-and-change takes one round trip and cannot race another replica's. StackExchange.Redis sends each by its
/// SHA1 after the first use.
/// </summary>
internal static class FleetScripts
{
    /// <summary>KEYS[1] lease, ARGV[1] owner, ARGV[2] lease ms: 1 if still ours and extended, else 0.</summary>
    public const string Renew = """
        if redis.call('GET', KEYS[1]) == ARGV[1] then
          return redis.call('PEXPIRE', KEYS[1], ARGV[2])
        end
        return 0
        """;

    /// <summary>KEYS[1] lease, ARGV[1] owner, ARGV[2] channel, ARGV[3] hex: deletes the lease if ours and tells the waiters.</summary>
    public const string Release = """
        if redis.call('GET', KEYS[1]) == ARGV[1] then
          redis.call('DEL', KEYS[1])
          redis.call('PUBLISH', ARGV[2], ARGV[3])
          return 1
        end
        return 0
        """;

    /// <summary>
    /// KEYS[1] stored marker, KEYS[2] objects, KEYS[3] sizes, KEYS[4] bytes; ARGV[1] hex, ARGV[2] length, ARGV[3] now
    /// ms, ARGV[4] marker ms, ARGV[5] channel: marks the blob stored, lists it (as <see cref="Touch"/>) and tells the waiters.
    /// </summary>
    public const string Announce = """
        redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[4])
        redis.call('ZADD', KEYS[2], 'GT', ARGV[3], ARGV[1])
        if redis.call('HSETNX', KEYS[3], ARGV[1], ARGV[2]) == 1 then
          redis.call('INCRBY', KEYS[4], ARGV[2])
        end
        redis.call('PUBLISH', ARGV[5], ARGV[1])
        return 1
        """;

    /// <summary>
    /// KEYS[1] objects, KEYS[2] sizes, KEYS[3] bytes; ARGV[1] hex, ARGV[2] length, ARGV[3] read at ms. The last read
    /// only moves forward (ZADD GT); the byte count grows only when the hex is new to the list.
    /// </summary>
    public const string Touch = """
        redis.call('ZADD', KEYS[1], 'GT', ARGV[3], ARGV[1])
        if redis.call('HSETNX', KEYS[2], ARGV[1], ARGV[2]) == 1 then
          redis.call('INCRBY', KEYS[3], ARGV[2])
          return 1
        end
        return 0
        """;

    /// <summary>KEYS[1] objects, KEYS[2] sizes, KEYS[3] bytes; ARGV[1] hex: unlists it, its length off the count.</summary>
    public const string Forget = """
        redis.call('ZREM', KEYS[1], ARGV[1])
        local length = redis.call('HGET', KEYS[2], ARGV[1])
        if length then
          redis.call('HDEL', KEYS[2], ARGV[1])
          redis.call('DECRBY', KEYS[3], length)
          return 1
        end
        return 0
        """;

    /// <summary>
    /// KEYS[1] evicting, KEYS[2] objects, KEYS[3] sizes; ARGV[1] owner, ARGV[2] hold ms, ARGV[3] count: takes the turn
    /// and returns hex, last read, length, ... of the oldest; an empty array when another replica has the turn.
    /// </summary>
    public const string TakeEvictionTurn = """
        if not redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then
          return {}
        end
        local oldest = redis.call('ZRANGE', KEYS[2], 0, tonumber(ARGV[3]) - 1, 'WITHSCORES')
        local result = {}
        for i = 1, #oldest, 2 do
          result[#result + 1] = oldest[i]
          result[#result + 1] = oldest[i + 1]
          result[#result + 1] = redis.call('HGET', KEYS[3], oldest[i]) or '0'
        end
        return result
        """;

    /// <summary>
    /// KEYS[1] tag; ARGV[1] hex, ARGV[2] media type, ARGV[3] fetched at ms, ARGV[4] keep ms: stores the answer unless
    /// the one there was fetched later (two replicas refreshing at once: the newer confirmation wins).
    /// </summary>
    public const string PutTag = """
        local current = redis.call('HGET', KEYS[1], 'f')
        if current and tonumber(current) > tonumber(ARGV[3]) then
          return 0
        end
        redis.call('HSET', KEYS[1], 'h', ARGV[1], 'm', ARGV[2], 'f', ARGV[3])
        redis.call('PEXPIRE', KEYS[1], ARGV[4])
        return 1
        """;

    /// <summary>KEYS[1] back-off; ARGV[1] until ms, ARGV[2] remaining ms: a later end wins, an earlier one is ignored.</summary>
    public const string EnterBackoff = """
        local current = redis.call('GET', KEYS[1])
        if current and tonumber(current) >= tonumber(ARGV[1]) then
          return 0
        end
        redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
        return 1
        """;

    /// <summary>KEYS[1] grants; ARGV[1] repository, ARGV[2] keep ms: adds it and keeps the set for another while.</summary>
    public const string Grant = """
        redis.call('SADD', KEYS[1], ARGV[1])
        redis.call('PEXPIRE', KEYS[1], ARGV[2])
        return 1
        """;

    /// <summary>KEYS[1] peer key; ARGV[1] a new key: keeps the fleet's key if there is one, else sets this one; returns it.</summary>
    public const string PeerKey = """
        redis.call('SET', KEYS[1], ARGV[1], 'NX')
        return redis.call('GET', KEYS[1])
        """;
}
