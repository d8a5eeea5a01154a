using Microsoft.Extensions.DependencyInjection;
using SftpKit.Accounts;

namespace SftpKit.Tests.Accounts;

public sealed class InMemoryGroupStoreTests : GroupStoreContractTests
{
    private readonly InMemoryGroupStore _store = new();

    protected override Task<ISftpGroupStore> OpenAsync() => Task.FromResult<ISftpGroupStore>(_store);
}

/// <summary>The JSON-file group store: the contract over a fresh instance per open, plus protection of secrets at rest.</summary>
public sealed class JsonFileGroupStoreTests : GroupStoreContractTests, IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "sftpkit-groups-" + Guid.NewGuid().ToString("N"));

    private string FilePath => Path.Combine(_directory, "users.groups.json");

    protected override Task<ISftpGroupStore> OpenAsync() => Task.FromResult<ISftpGroupStore>(new JsonFileGroupStore(FilePath));

    public void Dispose()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    [Fact]
    public async Task Secret_settings_are_protected_in_the_file_and_read_back_plain()
    {
        using var protector = new AesGcmSecretProtector(new byte[32]);
        using var store = new JsonFileGroupStore(FilePath, protector);
        await store.CreateAsync(Sample(), default);
        string text = await File.ReadAllTextAsync(FilePath);
        Assert.DoesNotContain("s3cr3t", text, StringComparison.Ordinal);
        Assert.Contains("$aes$", text, StringComparison.Ordinal);
        using var again = new JsonFileGroupStore(FilePath, protector);
        Assert.Equal("s3cr3t", (await again.FindAsync("staff", default))!.FileSystem!.Settings["secretAccessKey"]);
    }

    [Fact]
    public void The_json_account_store_keeps_groups_in_a_file_named_after_the_users_file()
    {
        var services = new ServiceCollection();
        services.AddSftpServer().AddJsonFileUserStore(Path.Combine(_directory, "users.json"));
        using var provider = services.BuildServiceProvider();
        var store = Assert.IsType<JsonFileGroupStore>(provider.GetRequiredService<ISftpGroupStore>());
        Assert.Equal(FilePath, store.FilePath);
    }

    [Fact]
    public void A_file_that_does_not_parse_fails_at_open()
    {
        Directory.CreateDirectory(_directory);
        File.WriteAllText(FilePath, "{\"groups\": [");
        Assert.Throws<InvalidDataException>(() => new JsonFileGroupStore(FilePath));
    }
}
