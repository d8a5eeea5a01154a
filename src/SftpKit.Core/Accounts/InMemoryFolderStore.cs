using System.Runtime.CompilerServices;

namespace SftpKit.Accounts;

/// <summary>Folder definitions in memory: the default <see cref="ISftpFolderStore"/>. Lost on restart.</summary>
public sealed class InMemoryFolderStore : ISftpFolderStore
{
    private readonly Lock _lock = new();
    private readonly SortedDictionary<string, SftpFolder> _folders = new(StringComparer.Ordinal);

    /// <summary>Creates a store holding copies of <paramref name="folders"/>.</summary>
    public InMemoryFolderStore(params SftpFolder[] folders)
    {
        ArgumentNullException.ThrowIfNull(folders);
        foreach (var folder in folders)
        {
            _folders[folder.Name] = folder.Clone();
        }
    }

    /// <inheritdoc/>
    public ValueTask<SftpFolder?> FindAsync(string name, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            return ValueTask.FromResult(_folders.GetValueOrDefault(name)?.Clone());
        }
    }

    /// <inheritdoc/>
    public async IAsyncEnumerable<SftpFolder> ListAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        List<SftpFolder> snapshot;
        lock (_lock)
        {
            snapshot = _folders.Values.Select(f => f.Clone()).ToList();
        }
        foreach (var folder in snapshot)
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return folder;
        }
        await Task.CompletedTask.ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public ValueTask CreateAsync(SftpFolder folder, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(folder);
        lock (_lock)
        {
            if (!_folders.TryAdd(folder.Name, folder.Clone()))
            {
                throw new InvalidOperationException("A folder with this name exists.");
            }
        }
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc/>
    public ValueTask<bool> UpdateAsync(SftpFolder folder, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(folder);
        lock (_lock)
        {
            if (!_folders.ContainsKey(folder.Name))
            {
                return ValueTask.FromResult(false);
            }
            _folders[folder.Name] = folder.Clone();
            return ValueTask.FromResult(true);
        }
    }

    /// <inheritdoc/>
    public ValueTask<bool> DeleteAsync(string name, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            return ValueTask.FromResult(_folders.Remove(name));
        }
    }
}
