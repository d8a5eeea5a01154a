namespace SftpKit.Accounts;

/// <summary>
/// Where second factors (<see cref="SftpTotpConfig"/>) and personal access tokens (<see cref="SftpAccessToken"/>) of
/// accounts and admins live. Implementations: <see cref="InMemoryCredentialStore"/> (default),
/// <see cref="JsonFileCredentialStore"/> (with the JSON-file account store) and the SQL store's
/// <c>SqlCredentialStore</c>. Instances returned are copies the caller may change. Use <see cref="SftpCredentials"/>
/// rather than the store: it hashes, protects and checks.
/// </summary>
public interface ISftpCredentialStore
{
    /// <summary>The owner's second factor, or null.</summary>
    ValueTask<SftpTotpConfig?> GetTotpAsync(SftpCredentialOwner owner, CancellationToken cancellationToken);

    /// <summary>Adds or replaces the second factor of <see cref="SftpTotpConfig.OwnerKind"/>/<see cref="SftpTotpConfig.OwnerName"/>.</summary>
    ValueTask SetTotpAsync(SftpTotpConfig config, CancellationToken cancellationToken);

    /// <summary>Removes the owner's second factor; false when there was none.</summary>
    ValueTask<bool> DeleteTotpAsync(SftpCredentialOwner owner, CancellationToken cancellationToken);

    /// <summary>Every second factor, in owner order (for backups).</summary>
    IAsyncEnumerable<SftpTotpConfig> ListTotpAsync(CancellationToken cancellationToken);

    /// <summary>The token with <paramref name="id"/>, or null.</summary>
    ValueTask<SftpAccessToken?> FindTokenAsync(string id, CancellationToken cancellationToken);

    /// <summary>The owner's tokens, or every token when null, in id order.</summary>
    IAsyncEnumerable<SftpAccessToken> ListTokensAsync(SftpCredentialOwner? owner, CancellationToken cancellationToken);

    /// <summary>Adds a token; fails with <see cref="InvalidOperationException"/> when the id is taken.</summary>
    ValueTask CreateTokenAsync(SftpAccessToken token, CancellationToken cancellationToken);

    /// <summary>Removes (revokes) a token; false when it does not exist.</summary>
    ValueTask<bool> DeleteTokenAsync(string id, CancellationToken cancellationToken);

    /// <summary>Records a use of the token.</summary>
    ValueTask TouchTokenAsync(string id, DateTimeOffset time, CancellationToken cancellationToken);
}
