using Microsoft.Data.Sqlite;

namespace Collage.Transforms.Caching.Storage;

/// <summary>
/// The index on disk, in SQLite (write-ahead log, so a crash mid-write loses at most the last transaction and never
/// corrupts the rest): content rows, which repository may read which digest, and tag answers. Read whole at start-up,
/// then written in batches by one background writer. It only ever names content; what is served is decided by the
/// verified files in the store, so a lost row costs an upstream request, never a wrong answer.
/// </summary>
internal sealed class IndexDatabase : IDisposable
{
    private readonly SqliteConnection _connection;

    public IndexDatabase(string path)
    {
        _connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
        _connection.Open();
        Execute("""
            PRAGMA journal_mode=WAL;
            PRAGMA synchronous=NORMAL;
            CREATE TABLE IF NOT EXISTS content(hex TEXT PRIMARY KEY, size INTEGER NOT NULL, media_type TEXT, last_access INTEGER NOT NULL) WITHOUT ROWID;
            CREATE TABLE IF NOT EXISTS grants(hex TEXT NOT NULL, repository TEXT NOT NULL, PRIMARY KEY(hex, repository)) WITHOUT ROWID;
            CREATE TABLE IF NOT EXISTS tags(key TEXT PRIMARY KEY, hex TEXT NOT NULL, media_type TEXT NOT NULL, fetched_at INTEGER NOT NULL) WITHOUT ROWID;
            """);
    }

    /// <summary>Every content row.</summary>
    public IEnumerable<(string Hex, long Size, string? MediaType, long LastAccess)> ReadContent()
    {
        using var command = Command("SELECT hex, size, media_type, last_access FROM content");
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            yield return (reader.GetString(0), reader.GetInt64(1), reader.IsDBNull(2) ? null : reader.GetString(2), reader.GetInt64(3));
        }
    }

    /// <summary>Every grant.</summary>
    public IEnumerable<(string Hex, string Repository)> ReadGrants()
    {
        using var command = Command("SELECT hex, repository FROM grants");
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            yield return (reader.GetString(0), reader.GetString(1));
        }
    }

    /// <summary>Every tag answer.</summary>
    public IEnumerable<(string Key, TagAnswer Answer)> ReadTags()
    {
        using var command = Command("SELECT key, hex, media_type, fetched_at FROM tags");
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            yield return (reader.GetString(0), new TagAnswer(reader.GetString(1), reader.GetString(2), reader.GetInt64(3)));
        }
    }

    /// <summary>Applies <paramref name="operations"/> in one transaction.</summary>
    public void Apply(IReadOnlyList<IndexOperation> operations)
    {
        using var transaction = _connection.BeginTransaction();
        foreach (var operation in operations)
        {
            using var command = operation switch
            {
                IndexOperation.PutContent put => Command(
                    "INSERT INTO content(hex, size, media_type, last_access) VALUES($a, $b, $c, $d) ON CONFLICT(hex) DO UPDATE SET media_type = coalesce(excluded.media_type, media_type), last_access = excluded.last_access",
                    put.Hex, put.Size, put.MediaType, put.LastAccess),
                IndexOperation.DeleteContent delete => Command("DELETE FROM content WHERE hex = $a; DELETE FROM grants WHERE hex = $a", delete.Hex),
                IndexOperation.Grant grant => Command("INSERT OR IGNORE INTO grants(hex, repository) VALUES($a, $b)", grant.Hex, grant.Repository),
                IndexOperation.PutTag tag => Command(
                    "INSERT OR REPLACE INTO tags(key, hex, media_type, fetched_at) VALUES($a, $b, $c, $d)",
                    tag.Key, tag.Answer.Hex, tag.Answer.MediaType, tag.Answer.FetchedAt),
                IndexOperation.DeleteTag tag => Command("DELETE FROM tags WHERE key = $a", tag.Key),
                _ => throw new ArgumentOutOfRangeException(nameof(operations)),
            };
            command.Transaction = transaction;
            command.ExecuteNonQuery();
        }

        transaction.Commit();
    }

    /// <summary>Drops the rows of content that is not on disk (evicted or lost by a crash before its file was moved).</summary>
    public void DeleteContent(IEnumerable<string> hexes) =>
        Apply(hexes.Select(hex => (IndexOperation)new IndexOperation.DeleteContent(hex)).ToArray());

    public void Dispose() => _connection.Dispose();

    private void Execute(string sql)
    {
        using var command = Command(sql);
        command.ExecuteNonQuery();
    }

    private SqliteCommand Command(string sql, params object?[] values)
    {
        var command = _connection.CreateCommand();
        command.CommandText = sql;
        for (var i = 0; i < values.Length; i++)
        {
            command.Parameters.AddWithValue("$" + (char)('a' + i), values[i] ?? DBNull.Value);
        }

        return command;
    }
}
