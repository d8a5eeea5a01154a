using System.Text;
using SftpKit.Accounts;
using SftpKit.Admin;
using SftpKit.Events.Rules;
using SftpKit.Tests.Events.Rules;

namespace SftpKit.Tests.Admin;

/// <summary>Event actions and rules in the backup document: a round trip, the restore modes, and passwords kept protected.</summary>
public sealed class EventRuleBackupTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "sftpkit-rule-backup-" + Guid.NewGuid().ToString("N"));
    private readonly AesGcmSecretProtector _protector = new(Enumerable.Range(1, 32).Select(i => (byte)i).ToArray());

    public void Dispose()
    {
        _protector.Dispose();
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    private static async Task<InMemoryEventRuleStore> SourceAsync()
    {
        var source = new InMemoryEventRuleStore();
        await source.CreateActionAsync(EventRuleStoreContractTests.HttpAction(), default);
        await source.CreateActionAsync(EventRuleStoreContractTests.FileAction(), default);
        await source.CreateRuleAsync(EventRuleStoreContractTests.Rule("on-upload", "notify", "archive"), default);
        return source;
    }

    private async Task<byte[]> DumpAsync(ISftpEventRuleStore rules, ISftpSecretProtector? protector)
    {
        using var dump = new MemoryStream();
        await SftpAccountBackup.DumpAsync(new InMemoryUserStore(), dump, eventRules: rules, secretProtector: protector);
        return dump.ToArray();
    }

    [Fact]
    public async Task Actions_and_rules_round_trip_into_a_json_file_store_with_the_password_protected_throughout()
    {
        byte[] dump = await DumpAsync(await SourceAsync(), _protector);
        string text = Encoding.UTF8.GetString(dump);
        Assert.DoesNotContain(EventRuleStoreContractTests.Password, text, StringComparison.Ordinal);
        Assert.Contains("\"eventActions\"", text, StringComparison.Ordinal);
        Assert.Contains("\"eventRules\"", text, StringComparison.Ordinal);
        Assert.Contains("$aes$", text, StringComparison.Ordinal);

        string file = Path.Combine(_directory, "users.eventrules.json");
        using (var target = new JsonFileEventRuleStore(file, _protector))
        {
            await SftpAccountBackup.RestoreAsync(new InMemoryUserStore(), new MemoryStream(dump), SftpRestoreMode.AddOnly,
                eventRules: target, secretProtector: _protector);
        }
        Assert.DoesNotContain(EventRuleStoreContractTests.Password, await File.ReadAllTextAsync(file), StringComparison.Ordinal);
        using var reopened = new JsonFileEventRuleStore(file, _protector);
        var action = (await reopened.FindActionAsync("notify", default))!;
        Assert.Equal((EventRuleStoreContractTests.Password, "hook", 4), (action.Options.Http!.Password, action.Options.Http.Username, action.Options.Http.MaxRetries));
        Assert.Equal(SftpFileActionType.Compress, (await reopened.FindActionAsync("archive", default))!.Options.FileSystem!.Type);
        var rule = (await reopened.FindRuleAsync("on-upload", default))!;
        Assert.Equal(["notify", "archive"], rule.Actions.Select(a => a.Name));
        Assert.Equal(["upload", "pre-upload"], rule.Conditions.FsEvents);

        // Into the in-memory store too: what the engine reads is the plain password, never the protected form.
        var memory = new InMemoryEventRuleStore();
        await SftpAccountBackup.RestoreAsync(new InMemoryUserStore(), new MemoryStream(dump), SftpRestoreMode.AddOnly, eventRules: memory, secretProtector: _protector);
        Assert.Equal(EventRuleStoreContractTests.Password, (await memory.FindActionAsync("notify", default))!.Options.Http!.Password);
    }

    [Fact]
    public async Task Add_only_keeps_existing_rules_and_actions_and_replace_overwrites_them()
    {
        byte[] dump = await DumpAsync(await SourceAsync(), _protector);
        var target = new InMemoryEventRuleStore();
        await target.CreateActionAsync(new SftpEventAction { Name = "notify", Type = SftpEventActionType.UserQuotaReset }, default);
        await target.CreateRuleAsync(new SftpEventRule { Name = "on-upload", Trigger = SftpEventTrigger.OnDemand }, default);

        await SftpAccountBackup.RestoreAsync(new InMemoryUserStore(), new MemoryStream(dump), SftpRestoreMode.AddOnly, eventRules: target, secretProtector: _protector);
        Assert.Equal(SftpEventActionType.UserQuotaReset, (await target.FindActionAsync("notify", default))!.Type);
        Assert.Equal(SftpEventTrigger.OnDemand, (await target.FindRuleAsync("on-upload", default))!.Trigger);
        Assert.NotNull(await target.FindActionAsync("archive", default)); // the missing one is added

        await SftpAccountBackup.RestoreAsync(new InMemoryUserStore(), new MemoryStream(dump), SftpRestoreMode.Replace, eventRules: target, secretProtector: _protector);
        Assert.Equal(SftpEventActionType.Http, (await target.FindActionAsync("notify", default))!.Type);
        Assert.Equal(EventRuleStoreContractTests.Password, (await target.FindActionAsync("notify", default))!.Options.Http!.Password);
        Assert.Equal(SftpEventTrigger.FileSystem, (await target.FindRuleAsync("on-upload", default))!.Trigger);
    }

    [Fact]
    public async Task Without_a_protector_the_dump_holds_the_password_as_given_and_restores_it()
    {
        byte[] dump = await DumpAsync(await SourceAsync(), null);
        Assert.Contains(EventRuleStoreContractTests.Password, Encoding.UTF8.GetString(dump), StringComparison.Ordinal);
        var target = new InMemoryEventRuleStore();
        await SftpAccountBackup.RestoreAsync(new InMemoryUserStore(), new MemoryStream(dump), SftpRestoreMode.AddOnly, eventRules: target);
        Assert.Equal(EventRuleStoreContractTests.Password, (await target.FindActionAsync("notify", default))!.Options.Http!.Password);
        // A dump without rules restores into a rule store as nothing.
        using var empty = new MemoryStream();
        await SftpAccountBackup.DumpAsync(new InMemoryUserStore(), empty);
        Assert.DoesNotContain("eventRules", Encoding.UTF8.GetString(empty.ToArray()), StringComparison.Ordinal);
        empty.Position = 0;
        await SftpAccountBackup.RestoreAsync(new InMemoryUserStore(), empty, SftpRestoreMode.Replace, eventRules: target);
        Assert.NotNull(await target.FindRuleAsync("on-upload", default));
    }

    [Theory]
    [InlineData("""{"version":1,"eventActions":[{"name":"a"},{"name":"a"}]}""")]
    [InlineData("""{"version":1,"eventRules":[{"name":"r"},{"name":"r"}]}""")]
    [InlineData("""{"version":1,"eventRules":[{"name":"a/b"}]}""")]
    [InlineData("""{"version":1,"eventActions":[{"name":""}]}""")]
    [InlineData("""{"version":1,"eventActions":[{"name":"a","type":1,"options":{"http":{"password":"$aes$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"}}}]}""")]
    public async Task Bad_rule_documents_are_refused_before_anything_changes(string json)
    {
        var users = new InMemoryUserStore();
        var target = new InMemoryEventRuleStore();
        string document = json.Replace("\"version\":1,", "\"version\":1,\"users\":[{\"userName\":\"ann\"}],", StringComparison.Ordinal);
        await Assert.ThrowsAsync<InvalidDataException>(() => SftpAccountBackup.RestoreAsync(users, new MemoryStream(Encoding.UTF8.GetBytes(document)),
            SftpRestoreMode.Replace, eventRules: target, secretProtector: _protector));
        Assert.Null(await users.FindAsync("ann", default));
        await foreach (var action in target.ListActionsAsync(default))
        {
            Assert.Fail("Nothing restored: " + action.Name);
        }
    }

    [Fact]
    public async Task A_password_protected_under_another_key_is_refused()
    {
        byte[] dump = await DumpAsync(await SourceAsync(), _protector);
        using var other = new AesGcmSecretProtector(new byte[32]);
        var target = new InMemoryEventRuleStore();
        await Assert.ThrowsAsync<InvalidDataException>(() => SftpAccountBackup.RestoreAsync(new InMemoryUserStore(), new MemoryStream(dump),
            SftpRestoreMode.AddOnly, eventRules: target, secretProtector: other));
        Assert.Null(await target.FindActionAsync("notify", default));
    }
}
