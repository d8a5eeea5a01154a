using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using SftpKit.Accounts;
using SftpKit.Admin;
using SftpKit.Events.Rules;
using SftpKit.Tests.Events.Rules;

namespace SftpKit.Providers.Sql.Tests;

/// <summary>
/// The event rule store contract on every engine (each open is a new <see cref="SqlEventRuleStore"/> on the same
/// database, so a second instance sees the first one's changes), and the registration that puts the SQL rule and run
/// stores in place of the in-memory defaults.
/// </summary>
public abstract class SqlEventRuleStoreContractTests : EventRuleStoreContractTests, IAsyncLifetime
{
    private SqlTestDatabase? _database;

    protected abstract SqlProvider Provider { get; }

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        if (_database is not null)
        {
            await _database.DisposeAsync();
        }
    }

    protected override async Task<ISftpEventRuleStore> OpenAsync(ISftpSecretProtector? protector = null)
    {
        _database ??= await SqlTestDatabase.CreateAsync(Provider);
        return new SqlEventRuleStore(_database.Options(), time: Time, secretProtector: protector);
    }

    protected override async Task<string?> StoredActionsTextAsync()
    {
        _database ??= await SqlTestDatabase.CreateAsync(Provider);
        // The HTTP action of the tests is "notify": its settings column holds the password.
        return Convert.ToString(await _database.ScalarAsync("SELECT settings FROM event_actions WHERE name = 'notify'"), CultureInfo.InvariantCulture);
    }

    [Fact]
    public async Task Rules_and_actions_move_from_sqlite_through_the_backup_with_the_password_protected()
    {
        using var protector = new AesGcmSecretProtector(Enumerable.Repeat((byte)3, 32).ToArray());
        await using var sourceDatabase = await SqlTestDatabase.CreateAsync(SqlProvider.Sqlite);
        var source = new SqlEventRuleStore(sourceDatabase.Options(), secretProtector: protector);
        await source.CreateActionAsync(HttpAction(), default);
        await source.CreateActionAsync(FileAction(), default);
        await source.CreateRuleAsync(Rule("on-upload", "notify", "archive"), default);
        using var dump = new MemoryStream();
        await SftpAccountBackup.DumpAsync(new InMemoryUserStore(), dump, eventRules: source, secretProtector: protector);
        Assert.DoesNotContain(Password, System.Text.Encoding.UTF8.GetString(dump.ToArray()), StringComparison.Ordinal);

        dump.Position = 0;
        var target = await OpenAsync(protector);
        await SftpAccountBackup.RestoreAsync(new InMemoryUserStore(), dump, SftpRestoreMode.AddOnly, eventRules: target, secretProtector: protector);
        Assert.DoesNotContain(Password, await StoredActionsTextAsync() ?? string.Empty, StringComparison.Ordinal);
        var other = await OpenAsync(protector);
        Assert.Equal(Password, (await other.FindActionAsync("notify", default))!.Options.Http!.Password);
        Assert.Equal(["notify", "archive"], (await other.FindRuleAsync("on-upload", default))!.Actions.Select(a => a.Name));
        await Assert.ThrowsAsync<InvalidOperationException>(async () => await other.DeleteActionAsync("archive", default));
    }

    [Fact]
    public async Task The_sql_account_store_puts_its_rule_and_run_stores_in_place_of_the_defaults()
    {
        _database ??= await SqlTestDatabase.CreateAsync(Provider);
        foreach (bool defaultsFirst in new[] { true, false })
        {
            var services = new ServiceCollection();
            if (defaultsFirst)
            {
                services.TryAddSingleton<ISftpEventRuleStore>(_ => new InMemoryEventRuleStore());
            }
            services.AddSftpServer().AddSqlUserStore(o => (o.Provider, o.ConnectionString) = (Provider, _database.ConnectionString));
            services.TryAddSingleton<ISftpEventRuleStore>(_ => new InMemoryEventRuleStore());
            await using var provider = services.BuildServiceProvider();
            Assert.IsType<SqlEventRuleStore>(provider.GetRequiredService<ISftpEventRuleStore>());
            var runs = Assert.IsType<SqlEventRunStore>(provider.GetRequiredService<ISftpEventRunStore>());
            await runs.AddAsync(new SftpEventRun { Rule = "r", Event = "upload", StartedAt = DateTimeOffset.UtcNow }, default);
        }
    }
}

public sealed class SqliteEventRuleStoreTests : SqlEventRuleStoreContractTests
{
    protected override SqlProvider Provider => SqlProvider.Sqlite;

    [Fact]
    public void The_read_only_mode_keeps_rules_and_runs_in_memory()
    {
        var services = new ServiceCollection();
        services.AddSftpServer().AddSqlUserStore(o =>
        {
            o.Provider = SqlProvider.Sqlite;
            o.ConnectionString = "Data Source=" + Path.Combine(Path.GetTempPath(), "never-opened.db");
            o.ReadOnlyAccounts = new SqlReadOnlyAccountsOptions { Table = "users", UserNameColumn = "name" };
        });
        using var provider = services.BuildServiceProvider();
        Assert.IsType<InMemoryEventRuleStore>(provider.GetRequiredService<ISftpEventRuleStore>());
        Assert.IsNotType<SqlEventRunStore>(provider.GetRequiredService<ISftpEventRunStore>());
    }
}

public sealed class PostgreSqlEventRuleStoreTests : SqlEventRuleStoreContractTests
{
    protected override SqlProvider Provider => SqlProvider.PostgreSql;
}

public sealed class MySqlEventRuleStoreTests : SqlEventRuleStoreContractTests
{
    protected override SqlProvider Provider => SqlProvider.MySql;
}
