namespace SftpKit.Accounts;

/// <summary>
/// The shares account holders hand out (<see cref="SftpShare"/>). Implementations: <see cref="InMemoryShareStore"/>
/// (default, lost on restart), <see cref="JsonFileShareStore"/> (registered with the JSON-file account store) and the
/// SQL store's <c>SqlShareStore</c>. Instances returned are copies the caller may change. Ids are compared ordinally.
/// </summary>
public interface ISftpShareStore
{
    /// <summary>The share with <paramref name="id"/>, or null.</summary>
    ValueTask<SftpShare?> FindAsync(string id, CancellationToken cancellationToken);

    /// <summary>The shares of <paramref name="userName"/>, or every share when null, in id order.</summary>
    IAsyncEnumerable<SftpShare> ListAsync(string? userName, CancellationToken cancellationToken);

    /// <summary>Adds a share; fails with <see cref="InvalidOperationException"/> when the id is taken.</summary>
    ValueTask CreateAsync(SftpShare share, CancellationToken cancellationToken);

    /// <summary>
    /// Replaces a share's definition (owner, name, description, scope, paths, expiry, password hash, token limit,
    /// networks, update time); its use counters and creation time stay. False when it does not exist.
    /// </summary>
    ValueTask<bool> UpdateAsync(SftpShare share, CancellationToken cancellationToken);

    /// <summary>Removes (revokes) a share; false when it does not exist.</summary>
    ValueTask<bool> DeleteAsync(string id, CancellationToken cancellationToken);

    /// <summary>
    /// Spends one of the share's tokens, atomically: adds one to <see cref="SftpShare.UsedTokens"/> and sets
    /// <see cref="SftpShare.LastUseAt"/> to <paramref name="now"/> unless <see cref="SftpShare.MaxTokens"/> is set
    /// and reached. False when the share is gone or has no token left.
    /// </summary>
    ValueTask<bool> TryUseAsync(string id, DateTimeOffset now, CancellationToken cancellationToken);
}
