using SftpKit.FileSystem;

namespace SftpKit.Tests.FileSystem.Objects;

public class ObjectFileTreeTests
{
    [Fact]
    public async Task Directories_exist_by_their_keys_and_only_empty_ones_are_deleted()
    {
        var store = new MemoryObjectStore();
        var tree = store.OpenTree();
        await tree.CreateDirectoryAsync("/d", CancellationToken.None);
        Assert.Equal(VfsFileType.Directory, (await tree.GetInfoAsync("/d", CancellationToken.None)).Type);
        store.Objects["p/d/f"] = [1, 2];
        Assert.Equal(2, (await tree.GetInfoAsync("/d/f", CancellationToken.None)).Size);
        var notEmpty = await Assert.ThrowsAsync<VfsException>(async () => await tree.DeleteDirectoryAsync("/d", CancellationToken.None));
        Assert.Equal(VfsError.DirectoryNotEmpty, notEmpty.Error);
        var missingParent = await Assert.ThrowsAsync<VfsException>(async () => await tree.CreateDirectoryAsync("/x/y", CancellationToken.None));
        Assert.Equal(VfsError.NotFound, missingParent.Error);
        await tree.DeleteFileAsync("/d/f", CancellationToken.None);
        await tree.DeleteDirectoryAsync("/d", CancellationToken.None);
        Assert.Null(await tree.TryGetInfoAsync("/d", CancellationToken.None));
    }

    [Fact]
    public async Task A_directory_rename_copies_every_key_then_deletes_the_old_ones()
    {
        var store = new MemoryObjectStore();
        var tree = store.OpenTree();
        store.Objects["p/a/one"] = [1];
        store.Objects["p/a/sub/two"] = [2, 2];
        await tree.RenameAsync("/a", "/b", overwrite: false, CancellationToken.None);
        Assert.Equal(["p/b/", "p/b/one", "p/b/sub/two"], store.Objects.Keys.Order(StringComparer.Ordinal).ToList());
        Assert.Contains("renamed /a /b 3", store.Events);
    }

    [Fact]
    public async Task A_directory_over_the_rename_limit_is_refused_before_anything_is_copied()
    {
        var store = new MemoryObjectStore { MaxRenameObjects = 1 };
        var tree = store.OpenTree();
        store.Objects["p/a/"] = [];
        store.Objects["p/a/one"] = [1];
        store.Objects["p/a/two"] = [2];
        var ex = await Assert.ThrowsAsync<VfsException>(async () => await tree.RenameAsync("/a", "/b", overwrite: false, CancellationToken.None));
        Assert.Equal(VfsError.Unsupported, ex.Error);
        Assert.Equal(["too large /a 1"], store.Events.ToList());
    }

    [Fact]
    public async Task Uploads_through_the_tree_refuse_a_directory_and_resume_within_the_file()
    {
        var store = new MemoryObjectStore { PartSize = 4 };
        var tree = store.OpenTree();
        store.Objects["p/d/"] = [];
        store.Objects["p/f"] = MemoryObjectStore.Bytes(6);
        var onDirectory = await Assert.ThrowsAsync<VfsException>(async () => await tree.OpenWriteAsync("/d", new VfsWriteOptions(), CancellationToken.None));
        Assert.Equal(VfsError.IsADirectory, onDirectory.Error);
        var past = await Assert.ThrowsAsync<VfsException>(async () => await tree.OpenWriteAsync("/f", new VfsWriteOptions { Offset = 7 }, CancellationToken.None));
        Assert.Equal("Cannot resume past the end of the file.", past.Message);
        await using (var writer = await tree.OpenWriteAsync("/f", new VfsWriteOptions { Offset = 6 }, CancellationToken.None))
        {
            Assert.Equal(6, writer.Position);
            await writer.WriteAsync(new byte[] { 9 }, CancellationToken.None);
            await writer.CompleteAsync(CancellationToken.None);
        }
        Assert.Equal([.. MemoryObjectStore.Bytes(6), 9], store.Objects["p/f"]);
        await using var reader = await tree.OpenReadAsync("/f", CancellationToken.None);
        Assert.Equal(7, (await reader.GetInfoAsync(CancellationToken.None)).Size);
    }
}
