using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using SftpKit.Accounts;
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
        // The test stores one action: its settings column holds the password.
        return Convert.ToString(await _database.ScalarAsync("SELECT settings FROM event_actions"), CultureInfo.InvariantCulture);
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
