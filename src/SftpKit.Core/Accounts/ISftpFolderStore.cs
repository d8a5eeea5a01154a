namespace SftpKit.Accounts;

/// <summary>
/// Virtual folders defined on their own, so a folder can exist before (or after) any account mounts it. Accounts keep
/// a copy of each folder they mount (<see cref="SftpAccount.VirtualFolders"/>), which is what logins use; the admin
/// API keeps both in step (a folder's storage or quota change is written to every account mounting it).
/// Implementations: <see cref="InMemoryFolderStore"/> (default, lost on restart) and the SQL store's
/// <c>SqlFolderStore</c>. Instances returned are copies the caller may change.
/// </summary>
public interface ISftpFolderStore
{
    /// <summary>The folder named <paramref name="name"/> (ordinal), or null.</summary>
    ValueTask<SftpFolder?> FindAsync(string name, CancellationToken cancellationToken);

    /// <summary>Every folder, in name order.</summary>
    IAsyncEnumerable<SftpFolder> ListAsync(CancellationToken cancellationToken);

    /// <summary>Adds a folder; fails with <see cref="InvalidOperationException"/> when the name is taken.</summary>
    ValueTask CreateAsync(SftpFolder folder, CancellationToken cancellationToken);

    /// <summary>Replaces a folder; false when it does not exist.</summary>
    ValueTask<bool> UpdateAsync(SftpFolder folder, CancellationToken cancellationToken);

    /// <summary>Removes a folder definition (accounts mounting it keep their copy); false when it does not exist.</summary>
    ValueTask<bool> DeleteAsync(string name, CancellationToken cancellationToken);
}
