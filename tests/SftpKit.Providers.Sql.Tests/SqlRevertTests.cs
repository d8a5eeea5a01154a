using System.Data.Common;
using SftpKit.Accounts;
using SftpKit.Admin;
using SftpKit.Providers.Sql.Migrations;

namespace SftpKit.Providers.Sql.Tests;

/// <summary>
/// Down-migrations on every engine: a database filled at the latest version is reverted one step at a time; after each
/// step its tables, columns and indexes equal those of a fresh database migrated to that version, and the rows of the
/// tables that remain are all there. Migrating up again (what <c>initprovider</c> does) brings the schema back and the
/// stores work on the kept data.
/// </summary>
public sealed class SqlRevertTests : IAsyncLifetime
{
    private readonly List<SqlTestDatabase> _databases = [];

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        foreach (var database in _databases)
        {
            await database.DisposeAsync();
        }
    }

    [Theory]
    [InlineData(SqlProvider.Sqlite)]
    [InlineData(SqlProvider.PostgreSql)]
    [InlineData(SqlProvider.MySql)]
    public async Task RevertStepByStep_MatchesFreshSchemas_KeepsData_AndMigratesUpAgain(SqlProvider provider)
    {
        // What a fresh database looks like at each version.
        var fresh = await DatabaseAsync(provider);
        var expected = new Dictionary<int, IReadOnlyList<string>>();
        foreach (var step in SqlSchema.Steps)
        {
            Assert.Equal(step.Version, await SqlMigrator.MigrateAsync(fresh.Options(), step.Version));
            expected[step.Version] = await SchemaAsync(fresh);
        }

        var db = await DatabaseAsync(provider);
        var options = db.Options(o => o.AuthCacheDuration = TimeSpan.Zero);
        Assert.Equal(SqlMigrator.LatestVersion, await SqlMigrator.MigrateAsync(options));
        await FillAsync(options);
        Assert.Equal(expected[SqlMigrator.LatestVersion], await SchemaAsync(db));

        // Nothing to do at or above the current version.
        Assert.Equal(SqlMigrator.LatestVersion, await SqlMigrator.RevertAsync(options, SqlMigrator.LatestVersion));
        foreach (var step in SqlSchema.Steps.Reverse().Skip(1))
        {
            var log = new ListLoggerProvider();
            Assert.Equal(step.Version, await SqlMigrator.RevertAsync(options, step.Version, log.CreateLogger("revert")));
            Assert.Equal(step.Version, await SqlMigrator.GetVersionAsync(options));
            Assert.Equal(expected[step.Version], await SchemaAsync(db));
            Assert.Single(log.Lines, e => e.Text.Contains($"Reverted schema migration {step.Version + 1} ", StringComparison.Ordinal));
            Assert.Equal((long)step.Version, Count(await db.ScalarAsync("SELECT COUNT(*) FROM schema_version")));
            await AssertKeptAsync(db, step.Version);
        }
        Assert.Equal(1, await SqlMigrator.RevertAsync(options, 1)); // again: nothing to do
        Assert.Equal(1, await SqlMigrator.GetVersionAsync(options));

        // initprovider: up again; the kept rows read through the stores, the new columns are empty, the stores write.
        Assert.Equal(SqlMigrator.LatestVersion, await SqlMigrator.MigrateAsync(options));
        Assert.Equal(expected[SqlMigrator.LatestVersion], await SchemaAsync(db));
        var users = new SqlUserStore(options);
        var alice = await users.FindAsync("alice", default);
        Assert.NotNull(alice);
        Assert.Equal("/srv/alice", alice.HomeDirectory);
        Assert.Equal(PasswordVerificationResult.Success, SftpPasswordHasher.Verify(alice.PasswordHash!, "alice secret"));
        Assert.Null(alice.Role); // a column of version 6: gone with its value
        Assert.Empty(alice.Groups);
        Assert.Equal(new SftpQuotaUsage(1234, 5), await users.GetAsync(SftpQuotaOwner.User("alice"), default));
        var admins = new SqlAdminStore(options);
        var ops = await admins.FindAsync("ops", default);
        Assert.NotNull(ops);
        Assert.Equal(PasswordVerificationResult.Success, SftpPasswordHasher.Verify(ops.PasswordHash!, "ops secret"));
        Assert.NotNull(await admins.FindApiKeyAsync("k1", default));
        await FillAsync(options, "again"); // every table takes rows again
        Assert.NotNull(await new SqlGroupStore(options).FindAsync("staff-again", default));
    }

    [Theory]
    [InlineData(SqlProvider.Sqlite)]
    [InlineData(SqlProvider.PostgreSql)]
    [InlineData(SqlProvider.MySql)]
    public async Task Revert_RefusesNewerDatabase_AndBadTargets_AndEmptyDatabaseIsZero(SqlProvider provider)
    {
        var db = await DatabaseAsync(provider);
        var options = db.Options();
        Assert.Equal(0, await SqlMigrator.RevertAsync(options, 1)); // no schema: nothing to revert, nothing created
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => SqlMigrator.RevertAsync(options, 0));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => SqlMigrator.RevertAsync(options, SqlMigrator.LatestVersion + 1));
        await SqlMigrator.MigrateAsync(options);
        int future = SqlMigrator.LatestVersion + 1;
        await db.ScalarAsync($"INSERT INTO schema_version (version, description, applied_at) VALUES ({future}, 'from a later SftpKit', 0)");
        var refused = await Assert.ThrowsAsync<SqlSchemaVersionException>(() => SqlMigrator.RevertAsync(options, 1));
        Assert.Equal(future, refused.DatabaseVersion);
        Assert.Equal(future, await SqlMigrator.GetVersionAsync(options)); // untouched
    }

    [Fact]
    public async Task MySql_StepCutShort_IsCompletedByRunningTheRevertAgain()
    {
        // MariaDB commits each DDL statement: a step stopped halfway leaves some of its drops done. The next run skips them.
        var db = await DatabaseAsync(SqlProvider.MySql);
        var options = db.Options();
        await SqlMigrator.MigrateAsync(options);
        await db.ScalarAsync("DROP INDEX ix_event_runs_rule ON event_runs");
        await db.ScalarAsync("DROP TABLE event_rules");
        Assert.Equal(7, await SqlMigrator.RevertAsync(options, 7));
        Assert.Null(await db.ScalarAsync("SELECT 1 FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name = 'event_runs'"));
        await db.ScalarAsync("ALTER TABLE accounts DROP COLUMN limits");
        Assert.Equal(5, await SqlMigrator.RevertAsync(options, 5));
        Assert.Null(await db.ScalarAsync("SELECT 1 FROM information_schema.columns WHERE table_schema = DATABASE() AND table_name = 'accounts' AND column_name = 'role'"));
    }

    private async Task<SqlTestDatabase> DatabaseAsync(SqlProvider provider)
    {
        var database = await SqlTestDatabase.CreateAsync(provider);
        _databases.Add(database);
        return database;
    }

    /// <summary>Rows in the tables of every version (names suffixed by <paramref name="suffix"/> when given).</summary>
    private static async Task FillAsync(SqlStoreOptions options, string? suffix = null)
    {
        string s = suffix is null ? string.Empty : "-" + suffix;
        await new SqlRoleStore(options).CreateAsync(new SftpRole { Name = "finance" + s }, default);
        await new SqlGroupStore(options).CreateAsync(new SftpGroup { Name = "staff" + s, Description = "everyone" }, default);
        await new SqlFolderStore(options).CreateAsync(new SftpFolder { Name = "shared" + s, FileSystem = new SftpFileSystemConfig { Root = "/srv/shared" } }, default);
        var users = new SqlUserStore(options);
        await users.CreateAsync(new SftpAccount
        {
            UserName = "alice" + s,
            PasswordHash = SftpPasswordHasher.Hash("alice secret"),
            HomeDirectory = "/srv/alice",
            Role = "finance" + s,
            Groups = [new SftpGroupMembership { Name = "staff" + s }],
        }, default);
        await users.CreateAsync(new SftpAccount { UserName = "bob" + s, HomeDirectory = "/srv/bob" }, default);
        await users.SetAsync(SftpQuotaOwner.User("alice" + s), new SftpQuotaUsage(1234, 5), default);
        var admins = new SqlAdminStore(options);
        await admins.CreateAsync(new SftpAdmin { UserName = "ops" + s, PasswordHash = SftpPasswordHasher.Hash("ops secret"), Permissions = ["*"], AllowedNetworks = ["10.0.0.0/8"], Role = "finance" + s }, default);
        await admins.CreateApiKeyAsync(new SftpApiKey { Id = "k1" + s, Name = "deploy", SecretHash = new string('a', 64), CreatedAt = DateTimeOffset.UtcNow, Admin = "ops" + s }, default);
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        await using var connection = SqlDialect.For(options.Provider).CreateConnection(options.ConnectionString);
        await connection.OpenAsync();
        foreach (string sql in new[]
        {
            $"INSERT INTO shares (share_id, name, scope, paths, user_name, created_at, updated_at, max_tokens, used_tokens, allow_from) VALUES ('sh{s}', 'share', 1, '[\"/\"]', 'alice{s}', {now}, {now}, 0, 0, '[]')",
            $"INSERT INTO defender_hosts (ip, score, window_start, ban_until, ban_count, updated_at) VALUES ('192.0.2.{(suffix is null ? 1 : 2)}', 3, {now}, NULL, 0, {now})",
            $"INSERT INTO totp_configs (owner_kind, owner_name, enabled, secret, protocols, recovery_codes, updated_at) VALUES (1, 'alice{s}', 1, 'x', '[]', '[]', {now})",
            $"INSERT INTO event_actions (name, action_type, settings, created_at, updated_at) VALUES ('notify{s}', 1, '{{}}', {now}, {now})",
        })
        {
            await using var command = connection.CreateCommand();
            command.CommandText = sql;
            await command.ExecuteNonQueryAsync();
        }
    }

    /// <summary>The rows written by <see cref="FillAsync"/> in the tables that exist at <paramref name="version"/>.</summary>
    private static async Task AssertKeptAsync(SqlTestDatabase db, int version)
    {
        Assert.Equal(2L, Count(await db.ScalarAsync("SELECT COUNT(*) FROM accounts")));
        Assert.Equal("/srv/alice", await db.ScalarAsync("SELECT home_directory FROM accounts WHERE user_name = 'alice'"));
        Assert.NotNull(await db.ScalarAsync("SELECT password_hash FROM accounts WHERE user_name = 'alice'"));
        Assert.Equal(1234L, Count(await db.ScalarAsync("SELECT size FROM quota_usage WHERE owner_name = 'alice'")));
        Assert.Equal(1L, Count(await db.ScalarAsync("SELECT COUNT(*) FROM admins WHERE user_name = 'ops'")));
        Assert.Equal(1L, Count(await db.ScalarAsync("SELECT COUNT(*) FROM api_keys WHERE key_id = 'k1'")));
        Assert.Equal(1L, Count(await db.ScalarAsync("SELECT COUNT(*) FROM defender_hosts")));
        if (version >= 3)
        {
            Assert.Equal(1L, Count(await db.ScalarAsync("SELECT COUNT(*) FROM folders")));
            Assert.Contains("10.0.0.0/8", (string)(await db.ScalarAsync("SELECT allowed_networks FROM admins WHERE user_name = 'ops'"))!, StringComparison.Ordinal);
        }
        if (version >= 4)
        {
            Assert.Equal(1L, Count(await db.ScalarAsync("SELECT COUNT(*) FROM shares")));
        }
        if (version >= 5)
        {
            Assert.Equal(1L, Count(await db.ScalarAsync("SELECT COUNT(*) FROM user_groups")));
            Assert.NotNull(await db.ScalarAsync("SELECT group_memberships FROM accounts WHERE user_name = 'alice'"));
        }
        if (version >= 6)
        {
            Assert.Equal("finance", await db.ScalarAsync("SELECT role FROM accounts WHERE user_name = 'alice'"));
        }
        if (version >= 7)
        {
            Assert.Equal(1L, Count(await db.ScalarAsync("SELECT COUNT(*) FROM totp_configs")));
        }
    }

    private static long Count(object? value) => Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Every table.column with its declared type, and every secondary index, sorted.</summary>
    private static async Task<IReadOnlyList<string>> SchemaAsync(SqlTestDatabase db)
    {
        string[] queries = db.Provider switch
        {
            SqlProvider.Sqlite =>
            [
                "SELECT m.name || '.' || p.name || ' ' || p.type || ' ' || p.\"notnull\" FROM sqlite_master m JOIN pragma_table_info(m.name) p WHERE m.type = 'table'",
                "SELECT 'index ' || name || ' on ' || tbl_name FROM sqlite_master WHERE type = 'index' AND name NOT LIKE 'sqlite_autoindex%'",
            ],
            SqlProvider.PostgreSql =>
            [
                "SELECT table_name || '.' || column_name || ' ' || data_type || ' ' || is_nullable FROM information_schema.columns WHERE table_schema = current_schema()",
                "SELECT 'index ' || indexname || ' on ' || tablename FROM pg_indexes WHERE schemaname = current_schema() AND indexname NOT LIKE '%_pkey'",
            ],
            _ =>
            [
                "SELECT CONCAT(table_name, '.', column_name, ' ', column_type, ' ', is_nullable) FROM information_schema.columns WHERE table_schema = DATABASE()",
                "SELECT DISTINCT CONCAT('index ', index_name, ' on ', table_name) FROM information_schema.statistics WHERE table_schema = DATABASE() AND index_name <> 'PRIMARY'",
            ],
        };
        var rows = new List<string>();
        await using var connection = SqlDialect.For(db.Provider).CreateConnection(db.ConnectionString);
        await connection.OpenAsync();
        foreach (string sql in queries)
        {
            await using var command = connection.CreateCommand();
            command.CommandText = sql;
            await using DbDataReader reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                rows.Add(reader.GetString(0));
            }
        }
        rows.Sort(StringComparer.Ordinal);
        Assert.NotEmpty(rows);
        return rows;
    }
}
