namespace SftpKit.Providers.Sql.Migrations;

/// <summary>
/// One versioned schema change: statements that are each safe to run again (for engines without DDL transactions).
/// Its down-migration is <see cref="Down"/>: the inverse of every change, newest first.
/// </summary>
internal sealed record SqlMigrationStep(int Version, string Description, IReadOnlyList<SqlSchemaChange> Changes)
{
    /// <summary>
    /// The changes that undo this step, in order: the inverse of each change, last change first (an index goes before
    /// the column it covers, a column before its table). Dropped tables and columns lose their data; every other table
    /// and column keeps its rows.
    /// </summary>
    public IEnumerable<SqlSchemaChange> Down => Changes.Reverse().Select(c => c.Inverse());
}

/// <summary>One idempotent DDL statement, expanded per engine.</summary>
internal abstract record SqlSchemaChange
{
    /// <summary>The statement for <paramref name="dialect"/>.</summary>
    public abstract string Sql(SqlDialect dialect);

    /// <summary>A query that returns a row when the change is already there (the statement is then skipped), or null.</summary>
    public abstract string? ExistsQuery(SqlDialect dialect);

    /// <summary>
    /// True when the statement is skipped while <see cref="ExistsQuery"/> finds a row (a creation already made); false
    /// when it is skipped while the query finds none (a drop of something already gone).
    /// </summary>
    public virtual bool SkipWhenExists => true;

    /// <summary>The change that undoes this one (also idempotent).</summary>
    public abstract SqlSchemaChange Inverse();
}

/// <summary><c>CREATE TABLE IF NOT EXISTS</c> from a template with column-type tokens.</summary>
internal sealed record CreateTable(string Template) : SqlSchemaChange
{
    public override string Sql(SqlDialect dialect) => dialect.Ddl(Template);

    public override string? ExistsQuery(SqlDialect dialect) => null;

    public override SqlSchemaChange Inverse() => new DropTable(TableName);

    /// <summary>The name after <c>CREATE TABLE IF NOT EXISTS</c>.</summary>
    public string TableName
    {
        get
        {
            const string Prefix = "CREATE TABLE IF NOT EXISTS ";
            string rest = Template.TrimStart()[Prefix.Length..];
            return rest[..rest.IndexOfAny([' ', '(', '\n', '\r'])];
        }
    }
}

/// <summary>An index, created unless it exists.</summary>
internal sealed record CreateIndex(string Name, string Table, string Columns, bool Unique = false) : SqlSchemaChange
{
    public override string Sql(SqlDialect dialect) => dialect.CreateIndex(Name, Table, Columns, Unique);

    public override string? ExistsQuery(SqlDialect dialect) => dialect.IndexExistsQuery(Name, Table);

    public override SqlSchemaChange Inverse() => new DropIndex(Name, Table);
}

/// <summary>A nullable column, added unless it exists.</summary>
internal sealed record AddColumn(string Table, string Column, string TypeTemplate) : SqlSchemaChange
{
    public override string Sql(SqlDialect dialect) => $"ALTER TABLE {Table} ADD COLUMN {Column} {dialect.Ddl(TypeTemplate)}";

    public override string? ExistsQuery(SqlDialect dialect) => dialect.ColumnExistsQuery(Table, Column);

    public override SqlSchemaChange Inverse() => new DropColumn(Table, Column, TypeTemplate);
}

/// <summary>Down-migration of <see cref="CreateTable"/>: <c>DROP TABLE IF EXISTS</c> (its rows go with it).</summary>
internal sealed record DropTable(string Table) : SqlSchemaChange
{
    public override string Sql(SqlDialect dialect) => $"DROP TABLE IF EXISTS {Table}";

    public override string? ExistsQuery(SqlDialect dialect) => null;

    public override SqlSchemaChange Inverse() => throw new NotSupportedException("A dropped table has no template to recreate it from.");
}

/// <summary>Down-migration of <see cref="CreateIndex"/>: the index is dropped when it is there.</summary>
internal sealed record DropIndex(string Name, string Table) : SqlSchemaChange
{
    public override string Sql(SqlDialect dialect) => dialect.DropIndex(Name, Table);

    /// <summary>Probed where the engine has no <c>DROP INDEX IF EXISTS</c>: skipped when the index (or its table) is gone.</summary>
    public override string? ExistsQuery(SqlDialect dialect) => dialect.IndexExistsQuery(Name, Table);

    public override bool SkipWhenExists => false;

    public override SqlSchemaChange Inverse() => throw new NotSupportedException("Recreate the index with CreateIndex.");
}

/// <summary>Down-migration of <see cref="AddColumn"/>: the column is dropped when it is there (its values go with it).</summary>
internal sealed record DropColumn(string Table, string Column, string TypeTemplate) : SqlSchemaChange
{
    public override string Sql(SqlDialect dialect) => $"ALTER TABLE {Table} DROP COLUMN {Column}";

    /// <summary>Skipped when the column (or its table) is gone.</summary>
    public override string? ExistsQuery(SqlDialect dialect) => dialect.ColumnExistsQuery(Table, Column);

    public override bool SkipWhenExists => false;

    public override SqlSchemaChange Inverse() => new AddColumn(Table, Column, TypeTemplate);
}
