using Microsoft.Extensions.DependencyInjection;
using Renci.SshNet;
using Renci.SshNet.Common;
using SftpKit.Accounts;
using SftpKit.Tests.Interop;

namespace SftpKit.Providers.Sql.Tests;

/// <summary>
/// Read-only mode on every engine: a hand-made users table with its own column names and types (boolean flag,
/// timestamp expiry, keys one per line, bcrypt hashes) serves logins to a real server; no SftpKit table is created
/// and account writes are refused.
/// </summary>
public abstract class SqlReadOnlyAccountsTests : IAsyncLifetime
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "sftpkit-sqlro-" + Guid.NewGuid().ToString("N")[..12]);
    private readonly List<IAsyncDisposable> _owned = [];

    protected abstract SqlProvider Provider { get; }

    // Column types of the hand-made table, as an application on each engine would have them.
    private (string Flag, string Time, string Text) Types => Provider switch
    {
        SqlProvider.PostgreSql => ("BOOLEAN", "TIMESTAMP", "TEXT"),
        SqlProvider.MySql => ("BOOLEAN", "DATETIME", "TEXT"),
        _ => ("INTEGER", "TEXT", "TEXT"),
    };

    private static SqlReadOnlyAccountsOptions Mapping() => new()
    {
        Table = "app_users",
        UserNameColumn = "login",
        PasswordHashColumn = "pw_hash",
        HomeDirectoryColumn = "home",
        PublicKeysColumn = "ssh_keys",
        EnabledColumn = "active",
        ExpiresAtColumn = "valid_until",
        MaxSessionsColumn = "max_conn",
        QuotaSizeColumn = "quota_bytes",
    };

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    [Fact]
    public async Task ExistingUsersTable_ServesLogins_WithoutMigrations_AndRefusesWrites()
    {
        var database = await SqlTestDatabase.CreateAsync(Provider);
        _owned.Add(database);
        Directory.CreateDirectory(_directory);
        string clientKey = Path.Combine(_directory, "client_ed25519");
        var made = await ProcessRunner.RunAsync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", "ann@laptop", "-f", clientKey]);
        Assert.True(made.ExitCode == 0, made.StandardError);
        string publicKey = File.ReadAllText(clientKey + ".pub").Trim();
        string Home(string user)
        {
            string home = Path.Combine(_directory, "homes", user);
            Directory.CreateDirectory(home);
            return home;
        }

        // The application's own table: other names, other types, an extra column the store never reads.
        var (flag, time, text) = Types;
        string bcrypt = BCrypt.Net.BCrypt.HashPassword("ann's password", 4);
        await database.ScalarAsync(
            $"CREATE TABLE app_users (id INTEGER PRIMARY KEY, login VARCHAR(100) NOT NULL, email {text}, pw_hash {text}, home {text}, " +
            $"ssh_keys {text}, active {flag}, valid_until {time}, max_conn INTEGER, quota_bytes BIGINT)");
        bool sqlite = Provider == SqlProvider.Sqlite;
        string yes = sqlite ? "1" : "TRUE", no = sqlite ? "0" : "FALSE";
        foreach (var (id, login, hash, keys, active, until, maxConn) in new[]
        {
            (1, "ann", bcrypt, $"# laptop\n{publicKey}\n", yes, "'2999-01-01 00:00:00'", "2"),
            (2, "bob", bcrypt, null, no, "NULL", "NULL"),
            (3, "cy", bcrypt, null, yes, "'2001-01-01 00:00:00'", "NULL"),
        })
        {
            await database.ScalarAsync(
                $"INSERT INTO app_users (id, login, email, pw_hash, home, ssh_keys, active, valid_until, max_conn, quota_bytes) VALUES " +
                $"({id}, '{login}', '{login}@example.com', '{hash}', '{Home(login)}', {(keys is null ? "NULL" : "'" + keys + "'")}, {active}, {until}, {maxConn}, 10000000)");
        }

        await using var server = await SqlServerInstance.StartAsync(database, Path.Combine(_directory, "server"),
            store: o => o.ReadOnlyAccounts = Mapping());
        Assert.IsNotType<SqlSessionLimiter>(server.Services.GetRequiredService<ISftpSessionLimiter>());
        Assert.IsNotType<SqlDefender>(server.Services.GetRequiredService<ISftpDefender>());
        var dialect = SqlDialect.For(Provider);
        foreach (string table in new[] { "schema_version", "accounts", "quota_usage", "session_leases", "defender_hosts" })
        {
            Assert.Null(await database.ScalarAsync(dialect.TableExistsQuery(table)));
        }

        // ann logs in with her bcrypt password and with the key from her key list, and uploads.
        var payload = new byte[40_000];
        Random.Shared.NextBytes(payload);
        using (var client = server.Client("ann", "ann's password"))
        {
            await client.ConnectAsync(default);
            using var upload = new MemoryStream(payload);
            await client.UploadFileAsync(upload, "in.bin");
        }
        using (var keyFile = new PrivateKeyFile(clientKey))
        using (var byKey = new SftpClient(new ConnectionInfo("127.0.0.1", server.Port, "ann", new PrivateKeyAuthenticationMethod("ann", keyFile))))
        {
            byKey.HostKeyReceived += (_, e) => e.CanTrust = true;
            await byKey.ConnectAsync(default);
            Assert.True(await byKey.ExistsAsync("/in.bin", default));
        }
        Assert.Equal(payload, await File.ReadAllBytesAsync(Path.Combine(_directory, "homes", "ann", "in.bin")));

        // Disabled and expired rows are refused; so is a name carrying SQL.
        foreach (string refused in new[] { "bob", "cy", "ann' OR '1'='1" })
        {
            using var client = server.Client(refused, "ann's password");
            await Assert.ThrowsAsync<SshAuthenticationException>(() => client.ConnectAsync(default));
        }

        // Mapped fields, writes refused, the table untouched (the bcrypt hash was not rehashed), usage in memory.
        var store = server.Store;
        var ann = await store.FindAsync("ann", default);
        Assert.NotNull(ann);
        Assert.Equal([publicKey], ann.PublicKeys);
        Assert.Equal(2, ann.MaxSessions);
        Assert.Equal(10_000_000, ann.QuotaSize);
        Assert.Equal(new DateTimeOffset(2999, 1, 1, 0, 0, 0, TimeSpan.Zero), ann.ExpiresAt);
        Assert.Null(ann.LastLogin);
        Assert.Null(await store.FindAsync("ann' OR '1'='1", default));
        Assert.Equal(["ann", "bob", "cy"], await store.ListAsync(default).Select(a => a.UserName).ToListAsync());
        var write = await Assert.ThrowsAsync<NotSupportedException>(async () => await store.CreateAsync(server.NewAccount("dan"), default));
        Assert.Contains("read-only", write.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<NotSupportedException>(async () => await store.UpdateAsync(ann, default));
        await Assert.ThrowsAsync<NotSupportedException>(async () => await store.DeleteAsync("ann", default));
        Assert.Equal(3L, Convert.ToInt64(await database.ScalarAsync("SELECT COUNT(*) FROM app_users")));
        Assert.Equal(bcrypt, await database.ScalarAsync("SELECT pw_hash FROM app_users WHERE id = 1"));
        var usage = default(SftpQuotaUsage);
        for (int i = 0; i < 200 && usage.Size != payload.Length; i++)
        {
            usage = await store.GetAsync(SftpQuotaOwner.User("ann"), default);
            await Task.Delay(usage.Size == payload.Length ? 0 : 25);
        }
        Assert.Equal(new SftpQuotaUsage(payload.Length, 1), usage);
    }

    [Fact]
    public async Task MissingColumn_FailsAtStart_WithAClearError()
    {
        var database = await SqlTestDatabase.CreateAsync(Provider);
        _owned.Add(database);
        await database.ScalarAsync("CREATE TABLE app_users (login VARCHAR(100), pw_hash TEXT, home TEXT)");
        var store = new SqlUserStore(database.Options(o => o.ReadOnlyAccounts = Mapping()));
        var failure = await Assert.ThrowsAsync<InvalidOperationException>(() => store.EnsureSchemaAsync());
        Assert.Contains("'app_users'", failure.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("Password=", failure.Message, StringComparison.OrdinalIgnoreCase);

        // Works once the optional columns it lacks are unmapped; still nothing created.
        var minimal = Mapping();
        minimal.PublicKeysColumn = minimal.EnabledColumn = minimal.ExpiresAtColumn = minimal.MaxSessionsColumn = minimal.QuotaSizeColumn = null;
        await new SqlUserStore(database.Options(o => o.ReadOnlyAccounts = minimal)).EnsureSchemaAsync();
        Assert.Null(await database.ScalarAsync(SqlDialect.For(Provider).TableExistsQuery("schema_version")));
    }

    [Theory]
    [InlineData("users; DROP TABLE users")]
    [InlineData("a.b.c")]
    [InlineData("")]
    [InlineData("\"users\"")]
    public void UnsafeTableName_IsRefused(string table)
    {
        var options = new SqlStoreOptions { Provider = Provider, ConnectionString = "Data Source=unused.db", ReadOnlyAccounts = new() { Table = table } };
        Assert.Throws<ArgumentException>(() => new SqlUserStore(options));
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var owned in _owned)
        {
            await owned.DisposeAsync();
        }
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

public sealed class SqliteReadOnlyAccountsTests : SqlReadOnlyAccountsTests
{
    protected override SqlProvider Provider => SqlProvider.Sqlite;
}

public sealed class PostgreSqlReadOnlyAccountsTests : SqlReadOnlyAccountsTests
{
    protected override SqlProvider Provider => SqlProvider.PostgreSql;
}

public sealed class MySqlReadOnlyAccountsTests : SqlReadOnlyAccountsTests
{
    protected override SqlProvider Provider => SqlProvider.MySql;
}
