namespace SftpKit.Admin;

/// <summary>Admins and API keys in memory, for tests and hosts that seed admins in code. Lost on restart.</summary>
public sealed class InMemorySftpAdminStore : ISftpAdminStore
{
    private readonly AdminRecords _records = new();

    /// <summary>Creates a store holding copies of <paramref name="admins"/>.</summary>
    public InMemorySftpAdminStore(params SftpAdmin[] admins)
    {
        ArgumentNullException.ThrowIfNull(admins);
        _records.Load(admins, []);
    }

    /// <inheritdoc/>
    public ValueTask<SftpAdmin?> FindAsync(string userName, CancellationToken cancellationToken) => ValueTask.FromResult(_records.Find(userName));

    /// <inheritdoc/>
    public IAsyncEnumerable<SftpAdmin> ListAsync(CancellationToken cancellationToken) => AdminRecords.Enumerate(_records.Snapshot().Admins, cancellationToken);

    /// <inheritdoc/>
    public ValueTask CreateAsync(SftpAdmin admin, CancellationToken cancellationToken)
    {
        _records.Create(admin);
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc/>
    public ValueTask<bool> UpdateAsync(SftpAdmin admin, CancellationToken cancellationToken) => ValueTask.FromResult(_records.Update(admin));

    /// <inheritdoc/>
    public ValueTask<bool> DeleteAsync(string userName, CancellationToken cancellationToken) => ValueTask.FromResult(_records.Delete(userName));

    /// <inheritdoc/>
    public ValueTask<SftpApiKey?> FindApiKeyAsync(string id, CancellationToken cancellationToken) => ValueTask.FromResult(_records.FindKey(id));

    /// <inheritdoc/>
    public IAsyncEnumerable<SftpApiKey> ListApiKeysAsync(CancellationToken cancellationToken) => AdminRecords.Enumerate(_records.Snapshot().Keys, cancellationToken);

    /// <inheritdoc/>
    public ValueTask CreateApiKeyAsync(SftpApiKey key, CancellationToken cancellationToken)
    {
        _records.CreateKey(key);
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc/>
    public ValueTask<bool> DeleteApiKeyAsync(string id, CancellationToken cancellationToken) => ValueTask.FromResult(_records.DeleteKey(id));
}
