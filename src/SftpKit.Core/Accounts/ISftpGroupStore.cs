namespace SftpKit.Accounts;

/// <summary>
/// Where groups live (<see cref="SftpGroup"/>). Implementations: <see cref="InMemoryGroupStore"/> (default, lost on
/// restart), <see cref="JsonFileGroupStore"/> (registered with the JSON-file account store) and the SQL store's
/// <c>SqlGroupStore</c>. Logins read the groups of the account logging in; the admin API lists and changes them.
/// Instances returned are copies the caller may change. Names are compared ordinally.
/// </summary>
public interface ISftpGroupStore
{
    /// <summary>The group named <paramref name="name"/>, or null.</summary>
    ValueTask<SftpGroup?> FindAsync(string name, CancellationToken cancellationToken);

    /// <summary>Every group, in name order.</summary>
    IAsyncEnumerable<SftpGroup> ListAsync(CancellationToken cancellationToken);

    /// <summary>Adds a group; fails with <see cref="InvalidOperationException"/> when the name is taken.</summary>
    ValueTask CreateAsync(SftpGroup group, CancellationToken cancellationToken);

    /// <summary>Replaces a group; false when it does not exist.</summary>
    ValueTask<bool> UpdateAsync(SftpGroup group, CancellationToken cancellationToken);

    /// <summary>Removes a group (accounts naming it are not changed); false when it does not exist.</summary>
    ValueTask<bool> DeleteAsync(string name, CancellationToken cancellationToken);
}
