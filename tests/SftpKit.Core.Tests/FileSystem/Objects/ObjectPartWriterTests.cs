using SftpKit.FileSystem;

namespace SftpKit.Tests.FileSystem.Objects;

public class ObjectPartWriterTests
{
    [Fact]
    public async Task A_file_that_fits_one_part_is_one_put()
    {
        var store = new MemoryObjectStore { PartSize = 8 };
        await using (var writer = store.OpenWriter("k"))
        {
            await writer.WriteAsync(MemoryObjectStore.Bytes(5), CancellationToken.None);
            await writer.CompleteAsync(CancellationToken.None);
        }
        Assert.Equal(MemoryObjectStore.Bytes(5), store.Objects["k"]);
        Assert.Equal(["put", "completed 5"], store.Events.ToList());
    }

    [Fact]
    public async Task A_larger_file_goes_out_in_parts_with_bounded_concurrency()
    {
        var store = new MemoryObjectStore { PartSize = 4, Concurrency = 2 };
        var data = MemoryObjectStore.Bytes(50);
        await using (var writer = store.OpenWriter("k"))
        {
            for (int at = 0; at < data.Length; at += 3)
            {
                await writer.WriteAsync(data.AsMemory(at, Math.Min(3, data.Length - at)), CancellationToken.None);
            }
            Assert.Equal(50, writer.Position);
            await writer.CompleteAsync(CancellationToken.None);
        }
        Assert.Equal(data, store.Objects["k"]);
        Assert.Equal(["commit 13", "completed 50"], store.Events.ToList());
        Assert.InRange(store.MaxInFlight, 1, 2);
    }

    [Fact]
    public async Task A_failed_part_fails_the_upload_and_disposing_aborts_it()
    {
        var store = new MemoryObjectStore { PartSize = 4, Concurrency = 1 };
        store.FailingParts.Add(1);
        var writer = store.OpenWriter("k");
        var ex = await Assert.ThrowsAsync<VfsException>(async () => await writer.WriteAsync(MemoryObjectStore.Bytes(12), CancellationToken.None));
        Assert.Equal("Storage request failed.", ex.Message);
        await Assert.ThrowsAsync<VfsException>(async () => await writer.CompleteAsync(CancellationToken.None));
        await writer.DisposeAsync();
        Assert.False(store.Objects.ContainsKey("k"));
        Assert.Equal(["abort"], store.Events.ToList());
    }

    [Fact]
    public async Task Disposing_with_partial_uploads_kept_completes_with_what_arrived()
    {
        var store = new MemoryObjectStore { PartSize = 4, KeepPartialUploads = true };
        await using (var writer = store.OpenWriter("k"))
        {
            await writer.WriteAsync(MemoryObjectStore.Bytes(10), CancellationToken.None);
        }
        Assert.Equal(MemoryObjectStore.Bytes(10), store.Objects["k"]);
        Assert.Equal(["commit 3", "completed 10", "kept 10"], store.Events.ToList());
    }

    [Fact]
    public async Task A_resumed_upload_starts_with_the_stored_bytes()
    {
        var store = new MemoryObjectStore { PartSize = 4 };
        var data = MemoryObjectStore.Bytes(14);
        store.Objects["k"] = data[..9];
        await using (var writer = store.OpenWriter("k"))
        {
            await writer.ResumeAsync(6, CancellationToken.None);
            Assert.Equal(6, writer.Position);
            await writer.WriteAsync(data.AsMemory(6), CancellationToken.None);
            await writer.CompleteAsync(CancellationToken.None);
        }
        Assert.Equal(data, store.Objects["k"]);
    }
}
