namespace SftpKit.Accounts;

/// <summary>Second factors and access tokens in memory: the default <see cref="ISftpCredentialStore"/>. Lost on restart.</summary>
public sealed class InMemoryCredentialStore : ISftpCredentialStore
{
    private readonly CredentialRecords _records = new();

    /// <inheritdoc/>
    public ValueTask<SftpTotpConfig?> GetTotpAsync(SftpCredentialOwner owner, CancellationToken cancellationToken) => ValueTask.FromResult(_records.GetTotp(owner));

    /// <inheritdoc/>
    public ValueTask SetTotpAsync(SftpTotpConfig config, CancellationToken cancellationToken)
    {
        _records.SetTotp(config);
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc/>
    public ValueTask<bool> DeleteTotpAsync(SftpCredentialOwner owner, CancellationToken cancellationToken) => ValueTask.FromResult(_records.DeleteTotp(owner));

    /// <inheritdoc/>
    public IAsyncEnumerable<SftpTotpConfig> ListTotpAsync(CancellationToken cancellationToken) =>
        CredentialRecords.Enumerate(_records.Snapshot().Totp, cancellationToken);

    /// <inheritdoc/>
    public ValueTask<SftpAccessToken?> FindTokenAsync(string id, CancellationToken cancellationToken) => ValueTask.FromResult(_records.FindToken(id));

    /// <inheritdoc/>
    public IAsyncEnumerable<SftpAccessToken> ListTokensAsync(SftpCredentialOwner? owner, CancellationToken cancellationToken) =>
        CredentialRecords.Enumerate(_records.Snapshot(owner).Tokens, cancellationToken);

    /// <inheritdoc/>
    public ValueTask CreateTokenAsync(SftpAccessToken token, CancellationToken cancellationToken)
    {
        _records.CreateToken(token);
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc/>
    public ValueTask<bool> DeleteTokenAsync(string id, CancellationToken cancellationToken) => ValueTask.FromResult(_records.DeleteToken(id));

    /// <inheritdoc/>
    public ValueTask TouchTokenAsync(string id, DateTimeOffset time, CancellationToken cancellationToken)
    {
        _records.TouchToken(id, time);
        return ValueTask.CompletedTask;
    }
}
