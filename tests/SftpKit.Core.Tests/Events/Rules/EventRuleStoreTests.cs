using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using SftpKit.Accounts;
using SftpKit.Events.Rules;

namespace SftpKit.Tests.Events.Rules;

public sealed class InMemoryEventRuleStoreTests : EventRuleStoreContractTests
{
    private InMemoryEventRuleStore? _store;

    protected override Task<ISftpEventRuleStore> OpenAsync(ISftpSecretProtector? protector = null) =>
        Task.FromResult<ISftpEventRuleStore>(_store ??= new InMemoryEventRuleStore(Time));

    protected override Task<string?> StoredActionsTextAsync() => Task.FromResult<string?>(null);
}

/// <summary>The JSON-file rule store: the contract over a fresh instance per open, plus its file and its registration.</summary>
public sealed class JsonFileEventRuleStoreTests : EventRuleStoreContractTests, IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "sftpkit-rules-" + Guid.NewGuid().ToString("N"));

    private string FilePath => Path.Combine(_directory, "users.eventrules.json");

    protected override Task<ISftpEventRuleStore> OpenAsync(ISftpSecretProtector? protector = null) =>
        Task.FromResult<ISftpEventRuleStore>(new JsonFileEventRuleStore(FilePath, protector, Time));

    protected override async Task<string?> StoredActionsTextAsync() => await File.ReadAllTextAsync(FilePath);

    public void Dispose()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    [Fact]
    public async Task The_file_is_owner_only_and_a_missing_file_is_an_empty_store()
    {
        using var store = new JsonFileEventRuleStore(FilePath);
        Assert.False(File.Exists(FilePath));
        await foreach (var rule in store.ListRulesAsync(default))
        {
            Assert.Fail("The store is empty: " + rule.Name);
        }
        await store.CreateActionAsync(HttpAction(), default);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(FilePath));
        }
        Assert.Empty(Directory.GetFiles(_directory, "*.tmp"));
    }

    [Fact]
    public void A_file_that_does_not_parse_or_names_badly_fails_at_open()
    {
        Directory.CreateDirectory(_directory);
        File.WriteAllText(FilePath, "{\"rules\": [");
        Assert.Throws<InvalidDataException>(() => new JsonFileEventRuleStore(FilePath));
        File.WriteAllText(FilePath, "{\"rules\": [{\"name\": \"a/b\"}]}");
        Assert.Throws<InvalidDataException>(() => new JsonFileEventRuleStore(FilePath));
    }

    [Fact]
    public async Task Nulls_written_by_hand_read_as_empty_lists()
    {
        Directory.CreateDirectory(_directory);
        File.WriteAllText(FilePath, """
            {"actions": [{"name": "n", "type": 1, "options": {"http": {"endpoint": "http://127.0.0.1/", "headers": null, "password": "plain"}}}],
             "rules": [{"name": "r", "trigger": 6, "conditions": {"fsEvents": null}, "actions": null}]}
            """);
        using var protector = new AesGcmSecretProtector(new byte[32]);
        using var store = new JsonFileEventRuleStore(FilePath, protector);
        var rule = (await store.FindRuleAsync("r", default))!;
        Assert.Equal((SftpEventTrigger.OnDemand, 0, 0), (rule.Trigger, rule.Conditions.FsEvents.Count, rule.Actions.Count));
        var action = (await store.FindActionAsync("n", default))!;
        Assert.Equal(("plain", 0), (action.Options.Http!.Password, action.Options.Http.Headers.Count));
        // A plain password stored before protection was turned on is protected at the next write.
        await store.CreateRuleAsync(Rule("other", "n"), default);
        Assert.DoesNotContain("\"plain\"", await File.ReadAllTextAsync(FilePath), StringComparison.Ordinal);
    }

    [Fact]
    public void The_json_account_store_keeps_rules_beside_the_users_file_in_place_of_the_in_memory_default()
    {
        foreach (bool defaultFirst in new[] { true, false })
        {
            var services = new ServiceCollection();
            if (defaultFirst)
            {
                services.TryAddSingleton<ISftpEventRuleStore>(_ => new InMemoryEventRuleStore());
            }
            services.AddSftpServer().AddJsonFileUserStore(Path.Combine(_directory, "users.json"));
            services.TryAddSingleton<ISftpEventRuleStore>(_ => new InMemoryEventRuleStore());
            using var provider = services.BuildServiceProvider();
            var store = Assert.IsType<JsonFileEventRuleStore>(provider.GetRequiredService<ISftpEventRuleStore>());
            Assert.Equal(FilePath, store.FilePath);
        }
    }
}
