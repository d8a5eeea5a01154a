namespace SftpKit.Admin;

/// <summary>Roles in memory: the default <see cref="ISftpRoleStore"/>. Lost on restart.</summary>
public sealed class InMemorySftpRoleStore : ISftpRoleStore
{
    private readonly RoleRecords _records = new();

    /// <summary>Creates a store holding copies of <paramref name="roles"/>.</summary>
    public InMemorySftpRoleStore(params SftpRole[] roles)
    {
        ArgumentNullException.ThrowIfNull(roles);
        foreach (var role in roles)
        {
            RoleRecords.Check(role);
        }
        _records.Load(roles);
    }

    /// <inheritdoc/>
    public ValueTask<SftpRole?> FindAsync(string name, CancellationToken cancellationToken) => ValueTask.FromResult(_records.Find(name));

    /// <inheritdoc/>
    public IAsyncEnumerable<SftpRole> ListAsync(CancellationToken cancellationToken) => AdminRecords.Enumerate(_records.Snapshot(), cancellationToken);

    /// <inheritdoc/>
    public ValueTask CreateAsync(SftpRole role, CancellationToken cancellationToken)
    {
        _records.Create(role);
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc/>
    public ValueTask<bool> UpdateAsync(SftpRole role, CancellationToken cancellationToken) => ValueTask.FromResult(_records.Update(role));

    /// <inheritdoc/>
    public ValueTask<bool> DeleteAsync(string name, CancellationToken cancellationToken) => ValueTask.FromResult(_records.Delete(name));
}
