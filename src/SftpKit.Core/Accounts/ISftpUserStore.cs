namespace SftpKit.Accounts;

/// <summary>
/// Where accounts live. The authenticator looks accounts up on every login (stores may cache briefly, with explicit
/// invalidation on change); the admin API lists and changes them. Implementations: <see cref="InMemoryUserStore"/>,
/// <see cref="JsonFileUserStore"/>, and the SQL store of SftpKit.Providers.Sql. Instances returned are copies the
/// caller may change.
/// </summary>
public interface ISftpUserStore
{
    /// <summary>The account named <paramref name="userName"/>, or null.</summary>
    ValueTask<SftpAccount?> FindAsync(string userName, CancellationToken cancellationToken);

    /// <summary>Every account, in user-name order.</summary>
    IAsyncEnumerable<SftpAccount> ListAsync(CancellationToken cancellationToken);

    /// <summary>Adds an account; fails with <see cref="InvalidOperationException"/> when the name is taken.</summary>
    ValueTask CreateAsync(SftpAccount account, CancellationToken cancellationToken);

    /// <summary>Replaces an existing account; false when it does not exist.</summary>
    ValueTask<bool> UpdateAsync(SftpAccount account, CancellationToken cancellationToken);

    /// <summary>Removes an account; false when it does not exist.</summary>
    ValueTask<bool> DeleteAsync(string userName, CancellationToken cancellationToken);

    /// <summary>Stores a new password hash (rehash after login) unless the stored hash changed meanwhile.</summary>
    ValueTask UpdatePasswordHashAsync(string userName, string expectedOldHash, string newHash, CancellationToken cancellationToken);

    /// <summary>Records a successful login time.</summary>
    ValueTask RecordLoginAsync(string userName, DateTimeOffset time, CancellationToken cancellationToken);
}

/// <summary>Whose quota usage a figure is: an account's, or a virtual folder's with its own quota.</summary>
public readonly record struct SftpQuotaOwner(SftpQuotaOwnerKind Kind, string Name)
{
    /// <summary>An account's usage.</summary>
    public static SftpQuotaOwner User(string userName) => new(SftpQuotaOwnerKind.User, userName);

    /// <summary>A virtual folder's usage.</summary>
    public static SftpQuotaOwner Folder(string folderName) => new(SftpQuotaOwnerKind.Folder, folderName);

    /// <inheritdoc/>
    public override string ToString() => $"{Kind}:{Name}";
}

/// <summary>Kinds of quota owners.</summary>
public enum SftpQuotaOwnerKind
{
    /// <summary>An account.</summary>
    User,
    /// <summary>A virtual folder.</summary>
    Folder,
    /// <summary>An account's uploaded bytes for one data-transfer period (in <see cref="SftpQuotaUsage.Size"/>; named <c>user</c> or <c>user/period</c>).</summary>
    UploadTransfer,
    /// <summary>An account's downloaded bytes for one data-transfer period (in <see cref="SftpQuotaUsage.Size"/>; named <c>user</c> or <c>user/period</c>).</summary>
    DownloadTransfer,
}

/// <summary>Bytes and files in use.</summary>
public readonly record struct SftpQuotaUsage(long Size, long Files);

/// <summary>
/// Persists quota usage. <see cref="AddAsync"/> must be one atomic update in the store (never read-modify-write in
/// the application), so concurrent sessions on several instances keep exact totals. Never cached.
/// </summary>
public interface ISftpQuotaStore
{
    /// <summary>Current usage (zero when nothing was recorded).</summary>
    ValueTask<SftpQuotaUsage> GetAsync(SftpQuotaOwner owner, CancellationToken cancellationToken);

    /// <summary>Adds the deltas (may be negative) atomically.</summary>
    ValueTask AddAsync(SftpQuotaOwner owner, long sizeDelta, long filesDelta, CancellationToken cancellationToken);

    /// <summary>Replaces the usage (after a scan).</summary>
    ValueTask SetAsync(SftpQuotaOwner owner, SftpQuotaUsage usage, CancellationToken cancellationToken);
}
