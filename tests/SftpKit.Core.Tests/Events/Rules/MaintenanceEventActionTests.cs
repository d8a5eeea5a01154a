using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using SftpKit.Accounts;
using SftpKit.Admin;
using SftpKit.Events;
using SftpKit.Events.Rules;
using SftpKit.Events.Rules.Actions;
using static SftpKit.Tests.Events.Rules.EventActionTestSupport;

namespace SftpKit.Tests.Events.Rules;

public sealed class MaintenanceEventActionTests : IDisposable
{
    // A Monday, 04:35 UTC (tests run with the machine's zone; the backup name uses local time, so it is computed below).
    private static readonly DateTimeOffset s_now = new(2026, 12, 7, 4, 35, 0, TimeSpan.Zero);
    private readonly FakeTimeProvider _clock = new(s_now);
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private ServiceProvider Services(Action<IServiceCollection>? more, params SftpAccount[] accounts)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<TimeProvider>(_clock);
        services.AddSftpServer().AddInMemoryUserStore(accounts);
        BuiltInEventActions.Register(services);
        BackupEventAction.Register(services);
        more?.Invoke(services);
        return services.BuildServiceProvider();
    }

    private SftpAccount Account(string name) => new() { UserName = name, HomeDirectory = _dir[name] };

    private static SftpEventAction Action(SftpEventActionType type, SftpEventActionSettings? settings = null)
        => new() { Name = type.ToString(), Type = type, Options = settings ?? new SftpEventActionSettings() };

    private static SftpEventRule Schedule(params string[] names) => new()
    {
        Name = "nightly",
        Trigger = SftpEventTrigger.Schedule,
        Conditions = new SftpEventRuleConditions { Names = names.Select(n => new SftpEventPattern { Pattern = n }).ToList() },
    };

    private static Task RunAsync(IServiceProvider services, SftpEventAction action, SftpEventRule? rule = null, string? userName = null, SftpEvent? @event = null)
        => services.GetServices<ISftpEventActionExecutor>().Single(e => e.Type == action.Type)
            .ExecuteAsync(Context(action, services: services, userName: userName, @event: @event, rule: rule ?? Schedule()), CancellationToken.None);

    [Fact]
    public async Task User_quota_reset_on_a_schedule_rescans_only_the_accounts_matching_the_rule()
    {
        _dir.Write("alice/a.txt", "12345");
        _dir.Write("alice/sub/b.txt", "123");
        _dir.Write("bob/c.txt", "1");
        await using var services = Services(null, Account("alice"), Account("bob"));
        var quotas = services.GetRequiredService<ISftpQuotaStore>();
        await quotas.SetAsync(SftpQuotaOwner.User("bob"), new SftpQuotaUsage(999, 9), CancellationToken.None);

        await RunAsync(services, Action(SftpEventActionType.UserQuotaReset), Schedule("a*"));

        Assert.Equal(new SftpQuotaUsage(8, 2), await quotas.GetAsync(SftpQuotaOwner.User("alice"), CancellationToken.None));
        Assert.Equal(new SftpQuotaUsage(999, 9), await quotas.GetAsync(SftpQuotaOwner.User("bob"), CancellationToken.None));
    }

    [Fact]
    public async Task Inverse_patterns_exclude_accounts()
    {
        _dir.Write("alice/a.txt", "12345");
        _dir.Write("bob/c.txt", "1");
        await using var services = Services(null, Account("alice"), Account("bob"));
        var rule = Schedule();
        rule.Conditions.Names.Add(new SftpEventPattern { Pattern = "alice", InverseMatch = true });
        await RunAsync(services, Action(SftpEventActionType.UserQuotaReset), rule);
        var quotas = services.GetRequiredService<ISftpQuotaStore>();
        Assert.Equal(new SftpQuotaUsage(0, 0), await quotas.GetAsync(SftpQuotaOwner.User("alice"), CancellationToken.None));
        Assert.Equal(new SftpQuotaUsage(1, 1), await quotas.GetAsync(SftpQuotaOwner.User("bob"), CancellationToken.None));
    }

    [Fact]
    public async Task Folder_quota_reset_scans_the_folder_named_by_a_provider_event()
    {
        _dir.Write("shared/x.bin", "0123456789");
        _dir.Write("other/y.bin", "0");
        await using var services = Services(null);
        var folders = services.GetRequiredService<ISftpFolderStore>();
        await folders.CreateAsync(new SftpFolder { Name = "shared", FileSystem = new SftpFileSystemConfig { Root = _dir["shared"] } }, CancellationToken.None);
        await folders.CreateAsync(new SftpFolder { Name = "other", FileSystem = new SftpFileSystemConfig { Root = _dir["other"] } }, CancellationToken.None);
        var dispatcher = new CapturingDispatcher();
        SftpProviderEvents.Raise(dispatcher, "update", SftpProviderEvents.Folder, "shared", actor: "admin");

        await RunAsync(services, Action(SftpEventActionType.FolderQuotaReset), new SftpEventRule { Name = "r", Trigger = SftpEventTrigger.Provider },
            userName: "admin", @event: dispatcher.Last);

        var quotas = services.GetRequiredService<ISftpQuotaStore>();
        Assert.Equal(new SftpQuotaUsage(10, 1), await quotas.GetAsync(SftpQuotaOwner.Folder("shared"), CancellationToken.None));
        Assert.Equal(new SftpQuotaUsage(0, 0), await quotas.GetAsync(SftpQuotaOwner.Folder("other"), CancellationToken.None));

        // On a schedule: every folder matching the rule's names.
        await RunAsync(services, Action(SftpEventActionType.FolderQuotaReset), Schedule("oth*"));
        Assert.Equal(new SftpQuotaUsage(1, 1), await quotas.GetAsync(SftpQuotaOwner.Folder("other"), CancellationToken.None));
    }

    [Fact]
    public async Task Transfer_quota_reset_zeroes_the_current_period_of_the_event_account()
    {
        var alice = Account("alice");
        alice.DataTransferPeriod = SftpDataTransferPeriod.Month;
        await using var services = Services(null, alice, Account("bob"));
        var quotas = services.GetRequiredService<ISftpQuotaStore>();
        var (up, down) = SftpDataTransferUsage.Owners("alice", SftpDataTransferPeriod.Month, s_now);
        var (bobUp, _) = SftpDataTransferUsage.Owners("bob", SftpDataTransferPeriod.None, s_now);
        await quotas.AddAsync(up, 500, 0, CancellationToken.None);
        await quotas.AddAsync(down, 700, 0, CancellationToken.None);
        await quotas.AddAsync(bobUp, 300, 0, CancellationToken.None);

        await RunAsync(services, Action(SftpEventActionType.TransferQuotaReset), userName: "alice",
            @event: new SftpEvent { Kind = SftpEventKind.Login, Protocol = SftpEventProtocol.Ssh, UserName = "alice" });

        Assert.Equal(0, (await quotas.GetAsync(up, CancellationToken.None)).Size);
        Assert.Equal(0, (await quotas.GetAsync(down, CancellationToken.None)).Size);
        Assert.Equal(300, (await quotas.GetAsync(bobUp, CancellationToken.None)).Size);
    }

    [Fact]
    public async Task Backup_writes_the_dump_atomically_under_a_day_hour_minute_name()
    {
        await using var services = Services(null, Account("alice"), Account("bob"));
        string target = _dir["backups"];
        await RunAsync(services, Action(SftpEventActionType.Backup, new SftpEventActionSettings { Backup = new SftpBackupActionSettings { Directory = target } }));

        var local = _clock.GetLocalNow();
        string file = Path.Combine(target, $"backup_{local.DayOfWeek}_{local.Hour}_{local.Minute}.json");
        Assert.Equal([file], Directory.GetFiles(target));
        using var document = JsonDocument.Parse(await File.ReadAllTextAsync(file));
        Assert.Equal(["alice", "bob"], document.RootElement.GetProperty("users").EnumerateArray().Select(u => u.GetProperty("userName").GetString()));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
        }
        Assert.Equal("backup_Monday_4_35.json", BackupEventAction.FileName(s_now));

        var error = await Assert.ThrowsAsync<SftpEventActionException>(() =>
            RunAsync(services, Action(SftpEventActionType.Backup, new SftpEventActionSettings { Backup = new SftpBackupActionSettings { Directory = "relative" } })));
        Assert.Equal("the backup action needs an absolute directory", error.Message);
    }

    [Fact]
    public async Task User_expiration_check_fails_naming_the_expired_accounts()
    {
        var old = Account("old");
        old.ExpiresAt = s_now.AddDays(-1);
        var current = Account("current");
        current.ExpiresAt = s_now.AddDays(1);
        await using var services = Services(null, old, current, Account("forever"));
        var error = await Assert.ThrowsAsync<SftpEventActionException>(() => RunAsync(services, Action(SftpEventActionType.UserExpirationCheck)));
        Assert.Equal("expired accounts: old", error.Message);

        await RunAsync(services, Action(SftpEventActionType.UserExpirationCheck), Schedule("current", "forever"));
    }

    [Fact]
    public async Task User_inactivity_check_disables_and_deletes_idle_accounts()
    {
        SftpAccount Idle(string name, int days)
        {
            var account = Account(name);
            account.LastLogin = s_now.AddDays(-days);
            return account;
        }
        await using var services = Services(null, Idle("fresh", 1), Idle("sleepy", 40), Idle("gone", 400), Account("never"));
        var settings = new SftpEventActionSettings { Inactivity = new SftpInactivityActionSettings { DisableThresholdDays = 30, DeleteThresholdDays = 365 } };

        var error = await Assert.ThrowsAsync<SftpEventActionException>(() => RunAsync(services, Action(SftpEventActionType.UserInactivityCheck, settings)));
        Assert.Equal("inactive accounts: disabled sleepy; deleted gone", error.Message);

        var users = services.GetRequiredService<ISftpUserStore>();
        Assert.True((await users.FindAsync("fresh", CancellationToken.None))!.Enabled);
        Assert.False((await users.FindAsync("sleepy", CancellationToken.None))!.Enabled);
        Assert.Null(await users.FindAsync("gone", CancellationToken.None));
        Assert.True((await users.FindAsync("never", CancellationToken.None))!.Enabled);

        // A second run finds nothing more to do.
        await RunAsync(services, Action(SftpEventActionType.UserInactivityCheck, settings));
    }

    [Fact]
    public async Task Password_expiration_check_mails_accounts_whose_password_expires_within_the_threshold()
    {
        SftpAccount WithPassword(string name, int changedDaysAgo, string? email)
        {
            var account = Account(name);
            account.PasswordExpirationDays = 30;
            account.PasswordChangedAt = s_now.AddDays(-changedDaysAgo);
            if (email is not null)
            {
                account.Metadata["email"] = email;
            }
            return account;
        }
        var sender = new RecordingEmailSender();
        await using var services = Services(s => s.AddSingleton<ISftpEmailSender>(sender),
            WithPassword("soon", 25, "soon@example.test"), WithPassword("later", 5, "later@example.test"),
            WithPassword("expired", 40, "expired@example.test"), WithPassword("nomail", 25, null));

        await RunAsync(services, Action(SftpEventActionType.PasswordExpirationCheck, new SftpEventActionSettings { PasswordExpirationThresholdDays = 7 }));

        var message = Assert.Single(sender.Sent);
        Assert.Equal(["soon@example.test"], message.To);
        Assert.Equal("Your password expires in 5 days", message.Subject);
        Assert.Contains("soon", message.Body);
    }

    [Fact]
    public async Task Password_expiration_check_without_a_sender_fails_clearly()
    {
        var account = Account("soon");
        account.PasswordExpirationDays = 30;
        account.PasswordChangedAt = s_now.AddDays(-29);
        account.Metadata["email"] = "soon@example.test";
        await using var services = Services(null, account);
        var error = await Assert.ThrowsAsync<SftpEventActionException>(() =>
            RunAsync(services, Action(SftpEventActionType.PasswordExpirationCheck, new SftpEventActionSettings { PasswordExpirationThresholdDays = 7 })));
        Assert.Equal("no e-mail sender is registered (AddEventEmail)", error.Message);
    }

    [Fact]
    public void Every_built_in_executor_is_registered_once()
    {
        var services = new ServiceCollection();
        BuiltInEventActions.Register(services);
        BuiltInEventActions.Register(services);
        BackupEventAction.Register(services);
        BackupEventAction.Register(services);
        var types = services.Where(d => d.ServiceType == typeof(ISftpEventActionExecutor)).Select(d => d.ImplementationType).ToList();
        Assert.Equal(8, types.Count);
        Assert.Equal(types.Count, types.Distinct().Count());
    }

    private sealed class RecordingEmailSender : ISftpEmailSender
    {
        public List<SftpEmailMessage> Sent { get; } = [];

        public Task SendAsync(SftpEmailMessage message, CancellationToken cancellationToken)
        {
            Sent.Add(message);
            return Task.CompletedTask;
        }
    }

    private sealed class CapturingDispatcher : ISftpEventDispatcher
    {
        public SftpEvent? Last { get; private set; }

        public ValueTask<SftpEventDecision> RaisePreAsync(SftpEvent sftpEvent, CancellationToken cancellationToken) => ValueTask.FromResult(SftpEventDecision.Allow);

        public long DroppedPostEvents => 0;

        public void RaisePost(SftpEvent sftpEvent) => Last = sftpEvent;
    }
}
