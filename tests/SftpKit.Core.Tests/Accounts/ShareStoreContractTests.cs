using SftpKit.Accounts;
using SftpKit.Admin;

namespace SftpKit.Tests.Accounts;

/// <summary>
/// One contract for every <see cref="ISftpShareStore"/> kept in this package: ids are unique and case-sensitive,
/// updates keep the use counters, the token limit holds under concurrent use, and a dump carries the shares.
/// </summary>
public abstract class ShareStoreContractTests : IDisposable
{
    protected ShareStoreContractTests()
    {
        Directory = Path.Combine(Path.GetTempPath(), "sftpkit-shares-" + Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(Directory);
    }

    protected string Directory { get; }

    /// <summary>A store; a second call gives a store over the same data where the store persists (else the same one).</summary>
    protected abstract ISftpShareStore Open();

    public void Dispose()
    {
        System.IO.Directory.Delete(Directory, recursive: true);
        GC.SuppressFinalize(this);
    }

    internal static SftpShare Sample(string id = "abcDEF123_-", string user = "alice") => new()
    {
        Id = id,
        Name = "Quarterly 'report' \"final\" 😀",
        Description = "for the auditors",
        Scope = SftpShareScope.Read,
        Paths = ["/reports/q1.pdf", "/reports/annex"],
        UserName = user,
        CreatedAt = new DateTimeOffset(2026, 1, 2, 3, 4, 5, 678, TimeSpan.Zero),
        UpdatedAt = new DateTimeOffset(2026, 1, 2, 3, 4, 5, 678, TimeSpan.Zero),
        ExpiresAt = new DateTimeOffset(2027, 1, 1, 0, 0, 0, TimeSpan.Zero),
        PasswordHash = SftpPasswordHasher.Hash("s3cret"),
        MaxTokens = 3,
        AllowFrom = ["10.0.0.0/8", "2001:db8::1"],
    };

    [Fact]
    public async Task Shares_round_trip_and_ids_are_unique_and_case_sensitive()
    {
        var store = Open();
        var share = Sample();
        await store.CreateAsync(share, default);
        await store.CreateAsync(Sample("other", "bob"), default);
        await Assert.ThrowsAsync<InvalidOperationException>(async () => await store.CreateAsync(Sample(), default));
        await Assert.ThrowsAnyAsync<ArgumentException>(async () => await store.CreateAsync(Sample("bad id/"), default));

        var read = (await Open().FindAsync(share.Id, default))!;
        Assert.Equal((share.Name, share.Description, share.Scope, share.UserName, share.CreatedAt, share.ExpiresAt, share.PasswordHash, 3, 0),
            (read.Name, read.Description, read.Scope, read.UserName, read.CreatedAt, read.ExpiresAt, read.PasswordHash, read.MaxTokens, read.UsedTokens));
        Assert.Equal(share.Paths, read.Paths);
        Assert.Equal(share.AllowFrom, read.AllowFrom);
        Assert.Null(read.LastUseAt);
        Assert.Null(await store.FindAsync("ABCdef123_-", default));
        Assert.Equal(["abcDEF123_-"], await IdsAsync(store.ListAsync("alice", default)));
        Assert.Equal(["abcDEF123_-", "other"], await IdsAsync(store.ListAsync(null, default)));
        Assert.Empty(await IdsAsync(store.ListAsync("carol", default)));
    }

    [Fact]
    public async Task Tokens_are_spent_up_to_the_limit_and_updates_keep_the_counters()
    {
        var store = Open();
        await store.CreateAsync(Sample(), default);
        var now = new DateTimeOffset(2026, 5, 6, 7, 8, 9, TimeSpan.Zero);
        var tries = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => store.TryUseAsync("abcDEF123_-", now, default).AsTask()));
        Assert.Equal(3, tries.Count(t => t));
        Assert.False(await store.TryUseAsync("missing", now, default));

        var used = (await Open().FindAsync("abcDEF123_-", default))!;
        Assert.Equal((3, now, true), (used.UsedTokens, used.LastUseAt, used.IsExhausted));

        used.MaxTokens = 5;
        used.UsedTokens = 0; // ignored: counters belong to the store
        used.Name = "renamed";
        Assert.True(await store.UpdateAsync(used, default));
        var updated = (await Open().FindAsync("abcDEF123_-", default))!;
        Assert.Equal(("renamed", 5, 3, false), (updated.Name, updated.MaxTokens, updated.UsedTokens, updated.IsExhausted));
        Assert.True(await store.TryUseAsync("abcDEF123_-", now, default));
        Assert.False(await store.UpdateAsync(Sample("ghost"), default));

        Assert.True(await store.DeleteAsync("abcDEF123_-", default));
        Assert.False(await store.DeleteAsync("abcDEF123_-", default));
        Assert.Null(await Open().FindAsync("abcDEF123_-", default));
    }

    [Fact]
    public async Task A_dump_carries_the_shares_and_a_restore_adds_them()
    {
        var source = Open();
        await source.CreateAsync(Sample(), default);
        await source.TryUseAsync("abcDEF123_-", DateTimeOffset.UtcNow, default);
        using var dump = new MemoryStream();
        await SftpAccountBackup.DumpAsync(new InMemoryUserStore(), dump, shares: source);
        dump.Position = 0;
        var target = new InMemoryShareStore();
        await SftpAccountBackup.RestoreAsync(new InMemoryUserStore(), dump, SftpRestoreMode.AddOnly, shares: target);
        var restored = (await target.FindAsync("abcDEF123_-", default))!;
        Assert.Equal((Sample().PasswordHash is { Length: > 0 }, 1, SftpShareScope.Read), (restored.PasswordHash is { Length: > 0 }, restored.UsedTokens, restored.Scope));
        Assert.Equal(Sample().Paths, restored.Paths);
    }

    private static async Task<List<string>> IdsAsync(IAsyncEnumerable<SftpShare> shares)
    {
        var ids = new List<string>();
        await foreach (var share in shares)
        {
            ids.Add(share.Id);
        }
        return ids;
    }
}

public sealed class InMemoryShareStoreTests : ShareStoreContractTests
{
    private readonly InMemoryShareStore _store = new();

    protected override ISftpShareStore Open() => _store;
}

public sealed class JsonFileShareStoreTests : ShareStoreContractTests
{
    // Each Open reads the file again, so every read below sees what was written, not what stayed in memory.
    protected override ISftpShareStore Open() => new JsonFileShareStore(Path.Combine(Directory, "users.shares.json"));

    [Fact]
    public void A_file_that_does_not_parse_fails_at_open()
    {
        string path = Path.Combine(Directory, "broken.json");
        File.WriteAllText(path, "{\"shares\": [");
        Assert.Throws<InvalidDataException>(() => new JsonFileShareStore(path));
        File.WriteAllText(path, "{\"shares\": [{\"id\": \"a b\", \"userName\": \"x\"}]}");
        Assert.Throws<InvalidDataException>(() => new JsonFileShareStore(path));
    }
}
