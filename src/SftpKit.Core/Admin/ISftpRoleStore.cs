namespace SftpKit.Admin;

/// <summary>
/// Where roles are kept. Implementations: <see cref="InMemorySftpRoleStore"/> (default, lost on restart),
/// <see cref="JsonFileSftpRoleStore"/>, and <c>SqlRoleStore</c> of SftpKit.Providers.Sql (<c>AddSqlRoleStore()</c>).
/// Deleting a role does not touch the accounts and admins naming it: the admin API refuses to delete a role in use.
/// Instances returned are copies the caller may change.
/// </summary>
public interface ISftpRoleStore
{
    /// <summary>The role named <paramref name="name"/> (ordinal), or null.</summary>
    ValueTask<SftpRole?> FindAsync(string name, CancellationToken cancellationToken);

    /// <summary>Every role, in name order.</summary>
    IAsyncEnumerable<SftpRole> ListAsync(CancellationToken cancellationToken);

    /// <summary>Adds a role; <see cref="InvalidOperationException"/> when the name is taken.</summary>
    ValueTask CreateAsync(SftpRole role, CancellationToken cancellationToken);

    /// <summary>Replaces a role's description; false when it does not exist.</summary>
    ValueTask<bool> UpdateAsync(SftpRole role, CancellationToken cancellationToken);

    /// <summary>Removes a role; false when it does not exist.</summary>
    ValueTask<bool> DeleteAsync(string name, CancellationToken cancellationToken);
}
