namespace SftpKit.Accounts;

/// <summary>Groups in memory: the default <see cref="ISftpGroupStore"/>. Lost on restart.</summary>
public sealed class InMemoryGroupStore : ISftpGroupStore
{
    private readonly GroupRecords _records = new();

    /// <summary>Creates a store holding copies of <paramref name="groups"/>.</summary>
    public InMemoryGroupStore(params SftpGroup[] groups)
    {
        ArgumentNullException.ThrowIfNull(groups);
        _records.Load(groups);
    }

    /// <inheritdoc/>
    public ValueTask<SftpGroup?> FindAsync(string name, CancellationToken cancellationToken) => ValueTask.FromResult(_records.Find(name));

    /// <inheritdoc/>
    public IAsyncEnumerable<SftpGroup> ListAsync(CancellationToken cancellationToken) => GroupRecords.Enumerate(_records.Snapshot(), cancellationToken);

    /// <inheritdoc/>
    public ValueTask CreateAsync(SftpGroup group, CancellationToken cancellationToken)
    {
        _records.Create(group);
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc/>
    public ValueTask<bool> UpdateAsync(SftpGroup group, CancellationToken cancellationToken) => ValueTask.FromResult(_records.Update(group));

    /// <inheritdoc/>
    public ValueTask<bool> DeleteAsync(string name, CancellationToken cancellationToken) => ValueTask.FromResult(_records.Delete(name));
}
