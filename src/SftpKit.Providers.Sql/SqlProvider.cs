namespace SftpKit.Providers.Sql;

/// <summary>The database engines the SQL store runs on.</summary>
public enum SqlProvider
{
    /// <summary>SQLite through Microsoft.Data.Sqlite: one file, one machine (the sample server's default).</summary>
    Sqlite,

    /// <summary>PostgreSQL through Npgsql (12 or later); the engine to share between several instances.</summary>
    PostgreSql,

    /// <summary>MySQL 8 or MariaDB 10.5 or later, through MySqlConnector.</summary>
    MySql,
}
