using SftpKit.FileSystem;

namespace SftpKit.Tests.FileSystem.Objects;

public class ObjectReadAheadReaderTests
{
    [Fact]
    public async Task Sequential_reads_fetch_each_part_once_and_return_the_bytes()
    {
        var store = new MemoryObjectStore { PartSize = 4, Concurrency = 2 };
        store.Objects["k"] = MemoryObjectStore.Bytes(18);
        await using var reader = store.OpenReader("k");
        var read = new List<byte>();
        var buffer = new byte[3];
        for (long at = 0; ; )
        {
            int n = await reader.ReadAsync(at, buffer, CancellationToken.None);
            if (n == 0)
            {
                break;
            }
            read.AddRange(buffer.Take(n));
            at += n;
        }
        Assert.Equal(store.Objects["k"], read.ToArray());
        var fetched = store.Fetches.OrderBy(f => f.Offset).ToList();
        Assert.Equal([(0L, 4), (4L, 4), (8L, 4), (12L, 4), (16L, 2)], fetched);
    }

    [Fact]
    public async Task A_read_outside_the_window_is_one_exact_fetch()
    {
        var store = new MemoryObjectStore { PartSize = 4, Concurrency = 2 };
        store.Objects["k"] = MemoryObjectStore.Bytes(40);
        await using var reader = store.OpenReader("k");
        var buffer = new byte[5];
        Assert.Equal(5, await reader.ReadAsync(21, buffer, CancellationToken.None));
        Assert.Equal(store.Objects["k"].AsSpan(21, 5).ToArray(), buffer);
        Assert.Equal([(21L, 5)], store.Fetches.ToList());
    }

    [Fact]
    public async Task A_failed_part_is_fetched_again_once()
    {
        var store = new MemoryObjectStore { PartSize = 4, Concurrency = 1 };
        store.Objects["k"] = MemoryObjectStore.Bytes(8);
        store.FailingFetches.Add(0);
        await using var reader = store.OpenReader("k");
        var buffer = new byte[4];
        Assert.Equal(4, await reader.ReadAsync(0, buffer, CancellationToken.None));
        Assert.Equal(store.Objects["k"].AsSpan(0, 4).ToArray(), buffer);
        Assert.Contains("retried 0", store.Events);
    }

    [Fact]
    public async Task A_short_fetch_fails_as_a_changed_file()
    {
        var store = new MemoryObjectStore { PartSize = 4 };
        store.Objects["k"] = MemoryObjectStore.Bytes(10);
        await using var reader = store.OpenReader("k");
        store.Objects["k"] = MemoryObjectStore.Bytes(3);
        var ex = await Assert.ThrowsAsync<VfsException>(async () => await reader.ReadAsync(5, new byte[4], CancellationToken.None));
        Assert.Equal("The file changed while reading.", ex.Message);
    }
}
