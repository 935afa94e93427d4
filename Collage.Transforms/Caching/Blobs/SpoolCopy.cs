using System.Buffers;
using System.Security.Cryptography;
using System.Threading.Channels;
using Collage.Transforms.Caching.Storage;

namespace Collage.Transforms.Caching.Blobs;

/// <summary>
/// Copies an upstream body into a spool file and computes its sha256 on the way, in two stages on two threads: this
/// one reads the socket, writes the spool and tells the readers; a second hashes each buffer after it was written.
/// Readers may read bytes not yet hashed: only the last byte waits for the digest (<see cref="BlobFill"/>). Hashing in
/// line cost a cold pull 0.65 s of one core per GiB here (SHA-256 runs at 1.65 GB/s a core with the CPU's SHA
/// instructions, slower than a direct pull), which the second stage moves onto the other core.
/// </summary>
internal static class SpoolCopy
{
    /// <summary>How much one buffer gathers; three rotate between the stages.</summary>
    private const int BufferBytes = 512 * 1024;
    private const int Buffers = 3;

    /// <summary>
    /// Copies <paramref name="body"/> to <paramref name="spool"/>, calling <paramref name="written"/> with the bytes
    /// written so far whenever readers may read more. Returns the length and the lower-case hex sha256.
    /// </summary>
    public static async Task<(long Length, string Hex)> RunAsync(Stream body, SpoolFile spool, TimeSpan activityTimeout, CancellationTokenSource timeout, Action<long> written)
    {
        var free = Channel.CreateBounded<byte[]>(Buffers);
        var full = Channel.CreateBounded<(byte[] Buffer, int Count)>(Buffers);
        for (var i = 0; i < Buffers; i++)
        {
            free.Writer.TryWrite(ArrayPool<byte>.Shared.Rent(BufferBytes));
        }

        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var hashing = Task.Run(async () =>
        {
            await foreach (var (buffer, count) in full.Reader.ReadAllAsync())
            {
                hash.AppendData(buffer, 0, count);
                free.Writer.TryWrite(buffer);
            }
        });

        byte[]? held = null;
        try
        {
            long total = 0;
            int start = 0, filled = 0;
            held = await free.Reader.ReadAsync(timeout.Token);
            void Flush()
            {
                // Synchronous: a write into the page cache, on the fetch's own task; an async one hops threads per chunk.
                RandomAccess.Write(spool.Handle, held.AsSpan(start, filled - start), total);
                total += filled - start;
                start = filled;
                written(total);
            }

            while (true)
            {
                if (filled == BufferBytes)
                {
                    if (start < filled)
                    {
                        Flush();
                    }

                    var done = held;
                    held = null;
                    await full.Writer.WriteAsync((done, filled), timeout.Token);
                    held = await free.Reader.ReadAsync(timeout.Token);
                    start = filled = 0;
                }

                // Bytes go to the readers when the upstream pauses (the next read would wait) or a buffer is full, not
                // after every socket read: one wake-up per 16-64 KiB read held a cold 1 GiB pull to 0.15x direct
                // (bench/RESULTS.md), and a trickling upstream still reaches the readers at once.
                timeout.CancelAfter(activityTimeout);
                var pending = body.ReadAsync(held.AsMemory(filled, BufferBytes - filled), timeout.Token);
                if (!pending.IsCompleted && filled > start)
                {
                    Flush();
                }

                var read = await pending;
                if (read == 0)
                {
                    if (filled > start)
                    {
                        Flush();
                    }

                    break;
                }

                filled += read;
            }

            var last = held;
            held = null;
            await full.Writer.WriteAsync((last, filled), timeout.Token);
            full.Writer.Complete();
            await hashing;
            return (total, Convert.ToHexStringLower(hash.GetHashAndReset()));
        }
        finally
        {
            full.Writer.TryComplete();
            await hashing;
            if (held is not null)
            {
                ArrayPool<byte>.Shared.Return(held);
            }

            while (free.Reader.TryRead(out var buffer))
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }
    }
}
