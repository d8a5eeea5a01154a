namespace SftpKit.Providers.Sql.Migrations;

/// <summary>One versioned schema change: statements that are each safe to run again (for engines without DDL transactions).</summary>
internal sealed record SqlMigrationStep(int Version, string Description, IReadOnlyList<SqlSchemaChange> Changes);

/// <summary>One idempotent DDL statement, expanded per engine.</summary>
internal abstract record SqlSchemaChange
{
    /// <summary>The statement for <paramref name="dialect"/>.</summary>
    public abstract string Sql(SqlDialect dialect);

    /// <summary>A query that returns a row when the change is already there (the statement is then skipped), or null.</summary>
    public abstract string? ExistsQuery(SqlDialect dialect);
}

/// <summary><c>CREATE TABLE IF NOT EXISTS</c> from a template with column-type tokens.</summary>
internal sealed record CreateTable(string Template) : SqlSchemaChange
{
    public override string Sql(SqlDialect dialect) => dialect.Ddl(Template);

    public override string? ExistsQuery(SqlDialect dialect) => null;
}

/// <summary>An index, created unless it exists.</summary>
internal sealed record CreateIndex(string Name, string Table, string Columns, bool Unique = false) : SqlSchemaChange
{
    public override string Sql(SqlDialect dialect) => dialect.CreateIndex(Name, Table, Columns, Unique);

    public override string? ExistsQuery(SqlDialect dialect) => dialect.IndexExistsQuery(Name, Table);
}

/// <summary>A nullable column, added unless it exists.</summary>
internal sealed record AddColumn(string Table, string Column, string TypeTemplate) : SqlSchemaChange
{
    public override string Sql(SqlDialect dialect) => $"ALTER TABLE {Table} ADD COLUMN {Column} {dialect.Ddl(TypeTemplate)}";

    public override string? ExistsQuery(SqlDialect dialect) => dialect.ColumnExistsQuery(Table, Column);
}
