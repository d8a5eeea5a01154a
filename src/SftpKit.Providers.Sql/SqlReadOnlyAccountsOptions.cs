namespace SftpKit.Providers.Sql;

/// <summary>
/// Read-only mode (<see cref="SqlStoreOptions.ReadOnlyAccounts"/>): accounts come from a table or view that already
/// exists in the database (e.g. a view over an application's users table), as SFTPGo documents for its "database
/// view" setup. The store then applies no migrations and creates nothing; account writes throw
/// <see cref="NotSupportedException"/>; logins neither record a last-login time nor rehash legacy password hashes;
/// quota usage is kept in this process's memory (see <see cref="SqlUserStore"/>); session counts and defender bans
/// use the in-process implementations. Columns that are not mapped take the account model's defaults (no
/// permissions restrictions beyond the server's, no quota, no bandwidth limit).
/// <para>
/// Names are quoted for the engine, so they must match the catalog exactly (PostgreSQL stores unquoted names in lower
/// case). Each name is a letter or underscore followed by letters, digits or underscores, at most 64 characters; the
/// table may be schema-qualified (<c>auth.sftp_users</c>). A column name set to null or empty is not read.
/// </para>
/// </summary>
public sealed class SqlReadOnlyAccountsOptions
{
    /// <summary>The table or view holding one row per account. Required; defaults to empty.</summary>
    public string Table { get; set; } = string.Empty;

    /// <summary>The user name column (the lookup key; compared with <c>=</c>). Required; defaults to <c>username</c>.</summary>
    public string UserNameColumn { get; set; } = "username";

    /// <summary>
    /// The password hash column, in any format <see cref="Accounts.SftpPasswordHasher"/> reads (argon2id, bcrypt, PBKDF2,
    /// SHA-crypt, md5crypt); NULL means no password login. Defaults to <c>password</c>.
    /// </summary>
    public string? PasswordHashColumn { get; set; } = "password";

    /// <summary>The home directory column (a local path). Required; defaults to <c>home_dir</c>.</summary>
    public string HomeDirectoryColumn { get; set; } = "home_dir";

    /// <summary>
    /// The authorized keys column: a JSON array of OpenSSH public key lines (SFTPGo's format) or the keys one per line
    /// (<c>authorized_keys</c> style; blank and <c>#</c> lines skipped); NULL means none. Defaults to <c>public_keys</c>.
    /// </summary>
    public string? PublicKeysColumn { get; set; } = "public_keys";

    /// <summary>
    /// The enabled column: a boolean, a number (non-zero is enabled, as SFTPGo's <c>status</c>) or text
    /// (<c>true</c>/<c>t</c>/<c>yes</c>/<c>y</c>/<c>on</c>/<c>1</c> are enabled); NULL counts as enabled. Defaults to <c>status</c>.
    /// </summary>
    public string? EnabledColumn { get; set; } = "status";

    /// <summary>
    /// The expiry column: a timestamp (read as UTC unless it carries an offset), a number of Unix milliseconds (SFTPGo's
    /// <c>expiration_date</c>) or ISO 8601 text; NULL or 0 never expires. Defaults to <c>expiration_date</c>.
    /// </summary>
    public string? ExpiresAtColumn { get; set; } = "expiration_date";

    /// <summary>Most concurrent sessions of the account (a number; NULL or 0 is unlimited). Defaults to null: not read.</summary>
    public string? MaxSessionsColumn { get; set; }

    /// <summary>
    /// The quota in bytes (a number; NULL or 0 is unlimited). Usage is tracked only for accounts with a quota unless
    /// <c>SftpPolicyOptions.QuotaTracking</c> says otherwise. Defaults to null: not read.
    /// </summary>
    public string? QuotaSizeColumn { get; set; }

    /// <summary>The quota in files (a number; NULL or 0 is unlimited). Defaults to null: not read.</summary>
    public string? QuotaFilesColumn { get; set; }

    /// <summary>A copy.</summary>
    public SqlReadOnlyAccountsOptions Clone() => (SqlReadOnlyAccountsOptions)MemberwiseClone();
}
