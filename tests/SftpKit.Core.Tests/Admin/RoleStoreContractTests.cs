using SftpKit.Admin;

namespace SftpKit.Tests.Admin;

/// <summary>One contract for the built-in role stores (the SQL one runs the same checks in SftpKit.Providers.Sql.Tests).</summary>
public abstract class RoleStoreContractTests
{
    protected abstract ISftpRoleStore Open();

    private static async Task<List<string>> NamesAsync(ISftpRoleStore store)
    {
        var names = new List<string>();
        await foreach (var role in store.ListAsync(default))
        {
            names.Add(role.Name);
        }
        return names;
    }

    [Fact]
    public async Task Roles_are_created_listed_in_order_updated_and_deleted()
    {
        var store = Open();
        await store.CreateAsync(new SftpRole { Name = "sales", Description = "Sales team" }, default);
        await store.CreateAsync(new SftpRole { Name = "finance" }, default);
        await Assert.ThrowsAsync<InvalidOperationException>(async () => await store.CreateAsync(new SftpRole { Name = "sales" }, default));
        await Assert.ThrowsAsync<ArgumentException>(async () => await store.CreateAsync(new SftpRole { Name = "" }, default));
        await Assert.ThrowsAsync<ArgumentException>(async () => await store.CreateAsync(new SftpRole { Name = "a/b" }, default));
        Assert.Equal(["finance", "sales"], await NamesAsync(store));
        Assert.Null(await store.FindAsync("SALES", default));

        var copy = (await store.FindAsync("sales", default))!;
        copy.Description = "changed outside";
        Assert.Equal("Sales team", (await store.FindAsync("sales", default))!.Description); // instances out are copies
        Assert.True(await store.UpdateAsync(copy, default));
        Assert.Equal("changed outside", (await store.FindAsync("sales", default))!.Description);
        Assert.False(await store.UpdateAsync(new SftpRole { Name = "ghost" }, default));
        Assert.True(await store.DeleteAsync("finance", default));
        Assert.False(await store.DeleteAsync("finance", default));
        Assert.Equal(["sales"], await NamesAsync(store));
    }
}

public sealed class InMemoryRoleStoreTests : RoleStoreContractTests
{
    protected override ISftpRoleStore Open() => new InMemorySftpRoleStore();

    [Fact]
    public async Task Seeded_roles_are_copies()
    {
        var seed = new SftpRole { Name = "ops" };
        var store = new InMemorySftpRoleStore(seed);
        seed.Description = "later";
        Assert.Null((await store.FindAsync("ops", default))!.Description);
    }
}

public sealed class JsonFileRoleStoreTests : RoleStoreContractTests, IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "sftpkit-roles-" + Guid.NewGuid().ToString("N")[..8]);

    private string FilePath => Path.Combine(_directory, "roles.json");

    protected override ISftpRoleStore Open() => new JsonFileSftpRoleStore(FilePath);

    public void Dispose()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    [Fact]
    public async Task Changes_survive_a_reopen_and_a_bad_file_fails_at_start()
    {
        using (var store = new JsonFileSftpRoleStore(FilePath))
        {
            await store.CreateAsync(new SftpRole { Name = "finance", Description = "Money" }, default);
        }
        using (var reopened = new JsonFileSftpRoleStore(FilePath))
        {
            Assert.Equal("Money", (await reopened.FindAsync("finance", default))!.Description);
        }
        Assert.Contains("\"finance\"", await File.ReadAllTextAsync(FilePath), StringComparison.Ordinal);
        await File.WriteAllTextAsync(FilePath, "{\"roles\":[{\"name\":\"x\"},{\"name\":\"x\"}]}");
        Assert.Throws<InvalidDataException>(() => new JsonFileSftpRoleStore(FilePath));
        await File.WriteAllTextAsync(FilePath, "not json");
        Assert.Throws<InvalidDataException>(() => new JsonFileSftpRoleStore(FilePath));
    }
}
