using Microsoft.Data.Sqlite;
using MySqlConnector;
using Npgsql;

namespace SftpKit.Providers.Sql.Tests;

/// <summary>
/// A fresh, empty database for one test: a temp file for SQLite, a new database on the PostgreSQL / MariaDB server
/// named by SFTPKIT_TEST_POSTGRES / SFTPKIT_TEST_MYSQL (scripts/test.sh starts both on loopback). When the engine's
/// variable is not set the test stops through <see cref="SftpKit.Tests.Requires"/>: a counted skip, or a failure under CI.
/// </summary>
public sealed class SqlTestDatabase : IAsyncDisposable
{
    public const string PostgresVariable = "SFTPKIT_TEST_POSTGRES";
    public const string MySqlVariable = "SFTPKIT_TEST_MYSQL";

    private readonly string? _adminConnectionString;
    private readonly string _name;

    private SqlTestDatabase(SqlProvider provider, string connectionString, string? adminConnectionString, string name)
    {
        Provider = provider;
        ConnectionString = connectionString;
        _adminConnectionString = adminConnectionString;
        _name = name;
    }

    public SqlProvider Provider { get; }

    /// <summary>How a developer gets the database servers the SQL tests need.</summary>
    public const string HowToStart = "scripts/test.sh starts one on 127.0.0.1 (or: source scripts/test-databases.sh && sftpkit_start_test_databases)";

    public string ConnectionString { get; }

    public static string? Variable(SqlProvider provider) => provider switch
    {
        SqlProvider.PostgreSql => PostgresVariable,
        SqlProvider.MySql => MySqlVariable,
        _ => null,
    };

    public static async Task<SqlTestDatabase> CreateAsync(SqlProvider provider)
    {
        string name = "sftpkit_t_" + Guid.NewGuid().ToString("N")[..16];
        switch (provider)
        {
            case SqlProvider.Sqlite:
                string path = Path.Combine(Path.GetTempPath(), name + ".db");
                return new SqlTestDatabase(provider, new SqliteConnectionStringBuilder { DataSource = path }.ToString(), null, path);
            case SqlProvider.PostgreSql:
            {
                string admin = SftpKit.Tests.Requires.Variable(PostgresVariable, "a PostgreSQL server", HowToStart);
                await using (var connection = new NpgsqlConnection(admin))
                {
                    await connection.OpenAsync();
                    await using var command = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
                    await command.ExecuteNonQueryAsync();
                }
                var builder = new NpgsqlConnectionStringBuilder(admin) { Database = name };
                return new SqlTestDatabase(provider, builder.ToString(), admin, name);
            }
            default:
            {
                string admin = SftpKit.Tests.Requires.Variable(MySqlVariable, "a MariaDB/MySQL server", HowToStart);
                await using (var connection = new MySqlConnection(admin))
                {
                    await connection.OpenAsync();
                    await using var command = new MySqlCommand($"CREATE DATABASE `{name}`", connection);
                    await command.ExecuteNonQueryAsync();
                }
                var builder = new MySqlConnectionStringBuilder(admin) { Database = name };
                return new SqlTestDatabase(provider, builder.ToString(), admin, name);
            }
        }
    }

    /// <summary>A fresh database on the PostgreSQL server that <paramref name="admin"/> names (e.g. a test's private instance).</summary>
    public static async Task<SqlTestDatabase> CreatePostgresAsync(string admin)
    {
        string name = "sftpkit_t_" + Guid.NewGuid().ToString("N")[..16];
        await using (var connection = new NpgsqlConnection(admin))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
            await command.ExecuteNonQueryAsync();
        }
        return new SqlTestDatabase(SqlProvider.PostgreSql, new NpgsqlConnectionStringBuilder(admin) { Database = name }.ToString(), admin, name);
    }

    public SqlStoreOptions Options(Action<SqlStoreOptions>? configure = null)
    {
        var options = new SqlStoreOptions { Provider = Provider, ConnectionString = ConnectionString };
        configure?.Invoke(options);
        return options;
    }

    /// <summary>Runs raw SQL on the test database (to shape old schema versions or inspect rows).</summary>
    public async Task<object?> ScalarAsync(string sql)
    {
        await using var connection = SqlDialect.For(Provider).CreateConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        object? value = await command.ExecuteScalarAsync();
        return value is DBNull ? null : value;
    }

    public async ValueTask DisposeAsync()
    {
        switch (Provider)
        {
            case SqlProvider.Sqlite:
                SqliteConnection.ClearPool(new SqliteConnection(ConnectionString));
                foreach (string suffix in new[] { "", "-wal", "-shm" })
                {
                    File.Delete(_name + suffix);
                }
                break;
            case SqlProvider.PostgreSql:
                NpgsqlConnection.ClearPool(new NpgsqlConnection(ConnectionString));
                await using (var connection = new NpgsqlConnection(_adminConnectionString))
                {
                    await connection.OpenAsync();
                    await using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS {_name} WITH (FORCE)", connection);
                    await command.ExecuteNonQueryAsync();
                }
                break;
            default:
                await MySqlConnection.ClearPoolAsync(new MySqlConnection(ConnectionString));
                await using (var connection = new MySqlConnection(_adminConnectionString))
                {
                    await connection.OpenAsync();
                    await using var command = new MySqlCommand($"DROP DATABASE IF EXISTS `{_name}`", connection);
                    await command.ExecuteNonQueryAsync();
                }
                break;
        }
    }
}
