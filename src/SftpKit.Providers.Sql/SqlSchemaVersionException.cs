namespace SftpKit.Providers.Sql;

/// <summary>
/// The database's schema is not the one this build of SftpKit uses: newer (written by a later SftpKit; upgrade
/// SftpKit or use another database), or older while <see cref="SqlStoreOptions.MigrateOnStart"/> is false.
/// </summary>
public sealed class SqlSchemaVersionException : InvalidOperationException
{
    /// <summary>Creates the exception.</summary>
    public SqlSchemaVersionException(int databaseVersion, int codeVersion)
        : base(databaseVersion > codeVersion
            ? $"The database schema is at version {databaseVersion}, newer than version {codeVersion} of this SftpKit; upgrade SftpKit or use another database. Nothing was changed."
            : $"The database schema is at version {databaseVersion}, older than version {codeVersion} of this SftpKit, and migrations on start are off; run SqlMigrator.MigrateAsync or set MigrateOnStart.")
    {
        DatabaseVersion = databaseVersion;
        CodeVersion = codeVersion;
    }

    /// <summary>Creates the exception with a message.</summary>
    public SqlSchemaVersionException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public SqlSchemaVersionException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and inner exception.</summary>
    public SqlSchemaVersionException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>The version recorded in the database.</summary>
    public int DatabaseVersion { get; }

    /// <summary>The version this build of SftpKit migrates to (<see cref="SqlMigrator.LatestVersion"/>).</summary>
    public int CodeVersion { get; }
}
