namespace SftpKit.Admin;

/// <summary>
/// Where the built-in admin authentication keeps admins and API keys. Implementations: <see cref="InMemorySftpAdminStore"/>
/// <see cref="JsonFileSftpAdminStore"/>, and <c>SqlAdminStore</c> of SftpKit.Providers.Sql (<c>AddSqlAdminStore()</c>); register another as a singleton before <c>AddSftpAdminAuthentication</c>.
/// Instances returned are copies the caller may change.
/// </summary>
public interface ISftpAdminStore
{
    /// <summary>The admin named <paramref name="userName"/> (ordinal), or null.</summary>
    ValueTask<SftpAdmin?> FindAsync(string userName, CancellationToken cancellationToken);

    /// <summary>Every admin, in name order.</summary>
    IAsyncEnumerable<SftpAdmin> ListAsync(CancellationToken cancellationToken);

    /// <summary>Adds an admin; <see cref="InvalidOperationException"/> when the name is taken.</summary>
    ValueTask CreateAsync(SftpAdmin admin, CancellationToken cancellationToken);

    /// <summary>Replaces an admin; false when it does not exist.</summary>
    ValueTask<bool> UpdateAsync(SftpAdmin admin, CancellationToken cancellationToken);

    /// <summary>Removes an admin and the API keys bound to it; false when it does not exist.</summary>
    ValueTask<bool> DeleteAsync(string userName, CancellationToken cancellationToken);

    /// <summary>The API key with <paramref name="id"/>, or null.</summary>
    ValueTask<SftpApiKey?> FindApiKeyAsync(string id, CancellationToken cancellationToken);

    /// <summary>Every API key, in creation order.</summary>
    IAsyncEnumerable<SftpApiKey> ListApiKeysAsync(CancellationToken cancellationToken);

    /// <summary>Adds an API key; <see cref="InvalidOperationException"/> when the id is taken.</summary>
    ValueTask CreateApiKeyAsync(SftpApiKey key, CancellationToken cancellationToken);

    /// <summary>Removes an API key; false when it does not exist.</summary>
    ValueTask<bool> DeleteApiKeyAsync(string id, CancellationToken cancellationToken);
}
