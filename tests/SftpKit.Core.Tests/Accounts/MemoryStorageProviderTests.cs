using SftpKit.Accounts;
using SftpKit.FileSystem;

namespace SftpKit.Tests.Accounts;

public sealed class MemoryStorageProviderTests
{
    private static readonly CancellationToken Ct = CancellationToken.None;

    [Fact]
    public async Task A_write_at_a_far_offset_fails_with_no_space_instead_of_growing_the_process()
    {
        var provider = new MemoryStorageProvider();
        var fs = await provider.CreateAsync(new SftpFileSystemConfig { Provider = "memory" }, new SftpAccount { UserName = "far" }, Ct);
        await using var writer = await fs.OpenWriteAsync("/sparse.bin", new VfsWriteOptions(), Ct);
        var random = Assert.IsAssignableFrom<IVfsRandomAccessWriter>(writer);
        var error = await Assert.ThrowsAsync<VfsException>(() => random.WriteAtAsync(MemoryStorageProvider.DefaultCapacityBytes, new byte[1], Ct).AsTask());
        Assert.Equal(VfsError.NoSpace, error.Error);
        await random.WriteAtAsync(MemoryStorageProvider.DefaultCapacityBytes - 1, new byte[1], Ct);
    }

    [Fact]
    public async Task The_capacity_setting_bounds_a_tree_and_bad_values_are_refused()
    {
        var provider = new MemoryStorageProvider();
        var config = new SftpFileSystemConfig { Provider = "memory", Root = "small" };
        config.Settings[MemoryStorageProvider.CapacitySetting] = "1000";
        var fs = await provider.CreateAsync(config, new SftpAccount { UserName = "a" }, Ct);
        await using (var writer = await fs.OpenWriteAsync("/f", new VfsWriteOptions(), Ct))
        {
            await writer.WriteAsync(new byte[1000], Ct);
            var error = await Assert.ThrowsAsync<VfsException>(() => writer.WriteAsync(new byte[1], Ct).AsTask());
            Assert.Equal(VfsError.NoSpace, error.Error);
        }
        foreach (string bad in new[] { "0", "-5", "lots", "1e9" })
        {
            var wrong = new SftpFileSystemConfig { Provider = "memory", Root = "bad" + bad };
            wrong.Settings[MemoryStorageProvider.CapacitySetting] = bad;
            await Assert.ThrowsAsync<InvalidOperationException>(() => provider.CreateAsync(wrong, new SftpAccount { UserName = "b" }, Ct).AsTask());
        }
    }
}
