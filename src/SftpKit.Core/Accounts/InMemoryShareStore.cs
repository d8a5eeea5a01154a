namespace SftpKit.Accounts;

/// <summary>Shares in memory: the default <see cref="ISftpShareStore"/>. Lost on restart.</summary>
public sealed class InMemoryShareStore : ISftpShareStore
{
    private readonly ShareRecords _records = new();

    /// <summary>Creates a store holding copies of <paramref name="shares"/>.</summary>
    /// <exception cref="InvalidDataException">Two shares have the same id.</exception>
    public InMemoryShareStore(params SftpShare[] shares)
    {
        ArgumentNullException.ThrowIfNull(shares);
        _records.Load(shares);
    }

    /// <inheritdoc/>
    public ValueTask<SftpShare?> FindAsync(string id, CancellationToken cancellationToken) => ValueTask.FromResult(_records.Find(id));

    /// <inheritdoc/>
    public IAsyncEnumerable<SftpShare> ListAsync(string? userName, CancellationToken cancellationToken) =>
        ShareRecords.Enumerate(_records.Snapshot(userName), cancellationToken);

    /// <inheritdoc/>
    public ValueTask CreateAsync(SftpShare share, CancellationToken cancellationToken)
    {
        _records.Create(share);
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc/>
    public ValueTask<bool> UpdateAsync(SftpShare share, CancellationToken cancellationToken) => ValueTask.FromResult(_records.Update(share));

    /// <inheritdoc/>
    public ValueTask<bool> DeleteAsync(string id, CancellationToken cancellationToken) => ValueTask.FromResult(_records.Delete(id));

    /// <inheritdoc/>
    public ValueTask<bool> TryUseAsync(string id, DateTimeOffset now, CancellationToken cancellationToken) => ValueTask.FromResult(_records.TryUse(id, now));
}
