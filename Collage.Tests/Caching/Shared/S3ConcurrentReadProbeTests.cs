using System.Security.Cryptography;
using Collage.Tests.Common;
using Collage.Transforms.Caching.Shared;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit.Abstractions;

namespace Collage.Tests.Caching.Shared;

public sealed class S3ConcurrentReadProbeTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Open_TwoConcurrentReadsOfOneObject_BothReadToTheEnd()
    {
        await using var s3 = await S3rverServer.StartAsync();
        using var store = new S3ContentStore(s3.Options("probe/"), TimeProvider.System, NullLogger<S3ContentStore>.Instance);
        var bytes = RandomNumberGenerator.GetBytes(2211949);
        var hex = Convert.ToHexStringLower(SHA256.HashData(bytes));
        var file = Path.GetTempFileName();
        await File.WriteAllBytesAsync(file, bytes);
        await store.UploadAsync(hex, file, bytes.Length, CancellationToken.None);
        for (var round = 0; round < 5; round++)
        {
            var reads = await Task.WhenAll(Enumerable.Range(0, 4).Select(async _ =>
            {
                await using var opened = await store.OpenAsync(hex, 0, null, CancellationToken.None);
                var buffer = new byte[512 * 1024];
                long total = 0;
                int read;
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
                while ((read = await opened!.Body.ReadAsync(buffer, timeout.Token)) > 0)
                {
                    total += read;
                    await Task.Delay(5);
                }

                return total;
            }));
            output.WriteLine(string.Join(", ", reads));
            reads.Should().OnlyContain(r => r == bytes.Length);
        }
    }
}
