using Microsoft.Extensions.Time.Testing;
using SftpKit.Accounts;
using SftpKit.Events;
using SftpKit.Events.Rules;

namespace SftpKit.Tests.Events.Rules;

/// <summary>
/// One contract for every <see cref="ISftpEventRuleStore"/> (in memory and JSON file here; the SQL store on three
/// engines in SftpKit.Providers.Sql.Tests, which compiles this file too): every setting round-trips, names are unique,
/// case-sensitive, checked and listed in ordinal order, an action a rule names cannot be deleted, the store hands out
/// copies, change times are the store's, and an action's password is never kept in clear where the store persists.
/// </summary>
public abstract class EventRuleStoreContractTests
{
    internal const string Nasty = "Robert'); DROP TABLE event_rules;-- % _ ` \" 😀";

    internal const string Password = "p4ss-w0rd-in-clear";

    /// <summary>The clock the stores stamp rules with.</summary>
    protected FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 3, 4, 5, 6, 7, TimeSpan.Zero));

    /// <summary>
    /// A store; a second call gives a store over the same data where the store persists (else the same one). With a
    /// protector, action passwords are to be kept protected.
    /// </summary>
    protected abstract Task<ISftpEventRuleStore> OpenAsync(ISftpSecretProtector? protector = null);

    /// <summary>Everything the store keeps of its actions, as stored (file text, column values); null where nothing persists.</summary>
    protected abstract Task<string?> StoredActionsTextAsync();

    internal static SftpEventAction HttpAction(string name = "notify") => new()
    {
        Name = name,
        Description = Nasty,
        Type = SftpEventActionType.Http,
        Options = new SftpEventActionSettings
        {
            Http = new SftpHttpActionSettings
            {
                Endpoint = "https://hooks.example.test/in?user={{Username}}",
                Method = "PUT",
                Username = "hook",
                Password = Password,
                Headers = [new SftpKeyValue { Key = "X-Path", Value = "{{VirtualPath}}" }],
                QueryParameters = [new SftpKeyValue { Key = "size", Value = "{{FileSize}}" }],
                Body = "{\"status\": {{Status}}}",
                Parts = [new SftpHttpPart { Name = "file", FilePath = "{{VirtualPath}}", Headers = [new SftpKeyValue { Key = "X-A", Value = "b" }] }],
                TimeoutSeconds = 45,
                MaxRetries = 4,
                SkipTlsVerify = true,
            },
        },
    };

    internal static SftpEventAction FileAction(string name = "archive") => new()
    {
        Name = name,
        Type = SftpEventActionType.FileSystem,
        Options = new SftpEventActionSettings
        {
            FileSystem = new SftpFileActionSettings
            {
                Type = SftpFileActionType.Compress,
                Compress = new SftpCompressSettings { Name = "/archive/{{Username}}.zip", Paths = ["/in", "/docs"] },
                Renames = [new SftpKeyValue { Key = "/a", Value = "/b" }],
            },
            Inactivity = new SftpInactivityActionSettings { DisableThresholdDays = 30, DeleteThresholdDays = 90 },
            PasswordExpirationThresholdDays = 7,
        },
    };

    internal static SftpEventRule Rule(string name = "on-upload", params string[] actions) => new()
    {
        Name = name,
        Description = Nasty,
        Enabled = false,
        Trigger = SftpEventTrigger.FileSystem,
        Conditions = new SftpEventRuleConditions
        {
            FsEvents = ["upload", "pre-upload"],
            Names = [new SftpEventPattern { Pattern = "ann*", InverseMatch = true }],
            GroupNames = [new SftpEventPattern { Pattern = "staff" }],
            RoleNames = [new SftpEventPattern { Pattern = "ops" }],
            FsPaths = [new SftpEventPattern { Pattern = "/in/**/*.csv" }],
            Schedules = [new SftpEventSchedule { Cron = "0 3 * * 1", TimeZone = "Europe/Rome" }],
            Protocols = ["SFTP", "SCP"],
            MinFileSize = 10,
            MaxFileSize = 1 << 20,
            EventStatuses = [SftpEventStatus.Ok],
            ConcurrentExecution = true,
        },
        Actions = (actions.Length == 0 ? ["notify"] : actions)
            .Select((a, i) => new SftpEventRuleAction { Name = a, Order = i + 1, IsFailureAction = i == 1, StopOnFailure = true, ExecuteSync = i == 0 })
            .ToList(),
    };

    [Fact]
    public async Task Rules_and_actions_round_trip_with_every_setting()
    {
        var store = await OpenAsync();
        await store.CreateActionAsync(HttpAction(), default);
        await store.CreateActionAsync(FileAction(), default);
        await store.CreateRuleAsync(Rule("on-upload", "notify", "archive"), default);

        var other = await OpenAsync();
        var http = (await other.FindActionAsync("notify", default))!;
        Assert.Equal((Nasty, SftpEventActionType.Http), (http.Description, http.Type));
        var h = http.Options.Http!;
        Assert.Equal(("https://hooks.example.test/in?user={{Username}}", "PUT", "hook", Password, "{\"status\": {{Status}}}", 45, 4, true),
            (h.Endpoint, h.Method, h.Username, h.Password, h.Body, h.TimeoutSeconds, h.MaxRetries, h.SkipTlsVerify));
        Assert.Equal(("X-Path", "{{VirtualPath}}"), (h.Headers[0].Key, h.Headers[0].Value));
        Assert.Equal(("size", "{{FileSize}}"), (h.QueryParameters[0].Key, h.QueryParameters[0].Value));
        Assert.Equal(("file", "{{VirtualPath}}", "X-A"), (h.Parts[0].Name, h.Parts[0].FilePath, h.Parts[0].Headers[0].Key));

        var file = (await other.FindActionAsync("archive", default))!;
        Assert.Equal(SftpFileActionType.Compress, file.Options.FileSystem!.Type);
        Assert.Equal("/archive/{{Username}}.zip", file.Options.FileSystem.Compress!.Name);
        Assert.Equal(["/in", "/docs"], file.Options.FileSystem.Compress.Paths);
        Assert.Equal(("/a", "/b"), (file.Options.FileSystem.Renames[0].Key, file.Options.FileSystem.Renames[0].Value));
        Assert.Equal((30, 90, 7), (file.Options.Inactivity!.DisableThresholdDays, file.Options.Inactivity.DeleteThresholdDays, file.Options.PasswordExpirationThresholdDays));

        var rule = (await other.FindRuleAsync("on-upload", default))!;
        Assert.Equal((Nasty, false, SftpEventTrigger.FileSystem), (rule.Description, rule.Enabled, rule.Trigger));
        var c = rule.Conditions;
        Assert.Equal(["upload", "pre-upload"], c.FsEvents);
        Assert.Equal(("ann*", true), (c.Names[0].Pattern, c.Names[0].InverseMatch));
        Assert.Equal(("staff", "ops", "/in/**/*.csv"), (c.GroupNames[0].Pattern, c.RoleNames[0].Pattern, c.FsPaths[0].Pattern));
        Assert.Equal(("0 3 * * 1", "Europe/Rome"), (c.Schedules[0].Cron, c.Schedules[0].TimeZone));
        Assert.Equal(["SFTP", "SCP"], c.Protocols);
        Assert.Equal((10L, 1L << 20, true), (c.MinFileSize, c.MaxFileSize, c.ConcurrentExecution));
        Assert.Equal([SftpEventStatus.Ok], c.EventStatuses);
        Assert.Equal([("notify", 1, false, true, true), ("archive", 2, true, true, false)],
            rule.Actions.Select(a => (a.Name, a.Order, a.IsFailureAction, a.StopOnFailure, a.ExecuteSync)));
    }

    [Fact]
    public async Task Names_are_unique_case_sensitive_checked_and_listed_in_order()
    {
        var store = await OpenAsync();
        foreach (string name in new[] { "notify", "Notify", Nasty })
        {
            await store.CreateActionAsync(HttpAction(name), default);
            await store.CreateRuleAsync(Rule(name), default);
        }
        await Assert.ThrowsAsync<InvalidOperationException>(async () => await store.CreateActionAsync(FileAction("notify"), default));
        await Assert.ThrowsAsync<InvalidOperationException>(async () => await store.CreateRuleAsync(Rule("notify"), default));
        foreach (string bad in new[] { "", "a/b", "a\\b", "tab\there", new string('x', 256) })
        {
            await Assert.ThrowsAnyAsync<ArgumentException>(async () => await store.CreateActionAsync(HttpAction(bad), default));
            await Assert.ThrowsAnyAsync<ArgumentException>(async () => await store.CreateRuleAsync(Rule(bad), default));
        }

        var other = await OpenAsync();
        Assert.Null(await other.FindRuleAsync("NOTIFY", default));
        Assert.Null(await other.FindActionAsync("NOTIFY", default));
        Assert.Equal(Nasty, (await other.FindRuleAsync(Nasty, default))!.Name);
        var expected = new[] { "Notify", "notify", Nasty }.Order(StringComparer.Ordinal).ToList();
        Assert.Equal(expected, await Names(other.ListRulesAsync(default), r => r.Name));
        Assert.Equal(expected, await Names(other.ListActionsAsync(default), a => a.Name));
    }

    [Fact]
    public async Task Updates_replace_and_deletes_remove_keeping_creation_times()
    {
        var store = await OpenAsync();
        await store.CreateActionAsync(HttpAction(), default);
        await store.CreateRuleAsync(Rule(), default);
        var created = (await store.FindRuleAsync("on-upload", default))!;
        Assert.Equal((Time.GetUtcNow(), Time.GetUtcNow()), (created.CreatedAt, created.UpdatedAt));

        Time.Advance(TimeSpan.FromMinutes(5));
        var rule = Rule();
        rule.Enabled = true;
        rule.Trigger = SftpEventTrigger.OnDemand;
        rule.Conditions = new SftpEventRuleConditions();
        rule.CreatedAt = DateTimeOffset.UnixEpoch; // the store's, not the caller's
        Assert.True(await store.UpdateRuleAsync(rule, default));
        var action = FileAction("notify");
        Assert.True(await store.UpdateActionAsync(action, default));
        Assert.False(await store.UpdateRuleAsync(Rule("ghost"), default));
        Assert.False(await store.UpdateActionAsync(HttpAction("ghost"), default));

        var other = await OpenAsync();
        var read = (await other.FindRuleAsync("on-upload", default))!;
        Assert.Equal((true, SftpEventTrigger.OnDemand, 0), (read.Enabled, read.Trigger, read.Conditions.FsEvents.Count));
        Assert.Equal((created.CreatedAt, Time.GetUtcNow()), (read.CreatedAt, read.UpdatedAt));
        var readAction = (await other.FindActionAsync("notify", default))!;
        Assert.Equal((SftpEventActionType.FileSystem, null), (readAction.Type, readAction.Options.Http));

        Assert.True(await other.DeleteRuleAsync("on-upload", default));
        Assert.False(await other.DeleteRuleAsync("on-upload", default));
        Assert.True(await other.DeleteActionAsync("notify", default));
        Assert.False(await other.DeleteActionAsync("notify", default));
        var last = await OpenAsync();
        Assert.Null(await last.FindRuleAsync("on-upload", default));
        Assert.Null(await last.FindActionAsync("notify", default));
    }

    [Fact]
    public async Task An_action_a_rule_names_cannot_be_deleted_until_no_rule_names_it()
    {
        var store = await OpenAsync();
        await store.CreateActionAsync(HttpAction("notify"), default);
        await store.CreateActionAsync(FileAction("archive"), default);
        await store.CreateRuleAsync(Rule("first", "notify", "archive"), default);
        await store.CreateRuleAsync(Rule("second", "archive"), default);

        await Assert.ThrowsAsync<InvalidOperationException>(async () => await store.DeleteActionAsync("notify", default));
        await Assert.ThrowsAsync<InvalidOperationException>(async () => await store.DeleteActionAsync("archive", default));
        Assert.NotNull(await (await OpenAsync()).FindActionAsync("notify", default));

        // An update that drops the action releases it; a deleted rule releases its actions.
        Assert.True(await store.UpdateRuleAsync(Rule("first", "archive"), default));
        Assert.True(await store.DeleteActionAsync("notify", default));
        Assert.True(await store.DeleteRuleAsync("second", default));
        await Assert.ThrowsAsync<InvalidOperationException>(async () => await store.DeleteActionAsync("archive", default));
        Assert.True(await store.DeleteRuleAsync("first", default));
        Assert.True(await store.DeleteActionAsync("archive", default));
    }

    [Fact]
    public async Task The_store_hands_out_copies_not_aliases()
    {
        var store = await OpenAsync();
        var action = HttpAction();
        var rule = Rule();
        await store.CreateActionAsync(action, default);
        await store.CreateRuleAsync(rule, default);
        action.Options.Http!.Endpoint = "https://changed.test/";
        action.Options.Http.Headers.Clear();
        rule.Conditions.FsEvents.Add("delete");
        rule.Actions[0].Name = "changed";

        var read = (await store.FindRuleAsync("on-upload", default))!;
        Assert.Equal(["upload", "pre-upload"], read.Conditions.FsEvents);
        Assert.Equal("notify", read.Actions[0].Name);
        read.Conditions.Names.Clear();
        read.Actions.Clear();
        var readAction = (await store.FindActionAsync("notify", default))!;
        Assert.Equal("https://hooks.example.test/in?user={{Username}}", readAction.Options.Http!.Endpoint);
        readAction.Options.Http.Password = "mutated";

        await foreach (var listed in store.ListRulesAsync(default))
        {
            listed.Conditions.FsEvents.Clear();
        }
        await foreach (var listed in store.ListActionsAsync(default))
        {
            listed.Options.Http!.Headers.Clear();
        }
        var again = (await store.FindRuleAsync("on-upload", default))!;
        Assert.Equal((2, 1, 1), (again.Conditions.FsEvents.Count, again.Conditions.Names.Count, again.Actions.Count));
        var againAction = (await store.FindActionAsync("notify", default))!;
        Assert.Equal((Password, 1), (againAction.Options.Http!.Password, againAction.Options.Http.Headers.Count));
    }

    [Fact]
    public async Task Action_passwords_are_not_stored_in_clear()
    {
        using var protector = new AesGcmSecretProtector(new byte[32]);
        var store = await OpenAsync(protector);
        await store.CreateActionAsync(HttpAction(), default);
        Assert.True(await store.UpdateActionAsync(HttpAction(), default));
        string? stored = await StoredActionsTextAsync();
        if (stored is not null)
        {
            Assert.DoesNotContain(Password, stored, StringComparison.Ordinal);
            Assert.Contains("$aes$", stored, StringComparison.Ordinal);
        }
        // Read back plain, by this store and by a new one with the same key.
        Assert.Equal(Password, (await store.FindActionAsync("notify", default))!.Options.Http!.Password);
        Assert.Equal(Password, (await (await OpenAsync(protector)).FindActionAsync("notify", default))!.Options.Http!.Password);
        await foreach (var listed in (await OpenAsync(protector)).ListActionsAsync(default))
        {
            Assert.Equal(Password, listed.Options.Http!.Password);
        }
    }

    private static async Task<List<string>> Names<T>(IAsyncEnumerable<T> items, Func<T, string> name)
    {
        var names = new List<string>();
        await foreach (var item in items)
        {
            names.Add(name(item));
        }
        return names;
    }
}
