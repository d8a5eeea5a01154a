using System.Globalization;

namespace SftpKit.Providers.Sql.Tests;

/// <summary>SQLite connections of the store run with synchronous=NORMAL unless durable commits are asked for.</summary>
public sealed class SqliteSynchronousTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "sftpkit-sqlsync-" + Guid.NewGuid().ToString("N")[..12]);

    public SqliteSynchronousTests() => Directory.CreateDirectory(_directory);

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    [Theory]
    [InlineData(false, 1)] // NORMAL
    [InlineData(true, 2)] // FULL, SQLite's default
    public async Task Connections_UseTheConfiguredSynchronousMode(bool durable, long expected)
    {
        var options = new SqlStoreOptions
        {
            Provider = SqlProvider.Sqlite,
            ConnectionString = $"Data Source={Path.Combine(_directory, durable ? "full.db" : "normal.db")}",
            SqliteDurableCommits = durable,
        };
        var db = new SqlDatabase(options, null, null);
        for (int i = 0; i < 2; i++) // a fresh connection, then one from the pool
        {
            await using var connection = await db.OpenAsync(default);
            await using var command = db.Command(connection, "PRAGMA synchronous");
            Assert.Equal(expected, Convert.ToInt64(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture));
        }
    }
}
