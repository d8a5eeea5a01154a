using System.Runtime.CompilerServices;

namespace SftpKit.Accounts;

/// <summary>The groups of the in-memory and JSON-file group stores: copies in, copies out, one lock.</summary>
internal sealed class GroupRecords
{
    private readonly Lock _lock = new();
    private readonly SortedDictionary<string, SftpGroup> _groups = new(StringComparer.Ordinal);

    /// <summary>Refuses a name no store keeps: 1–255 characters, no control characters, <c>/</c> or <c>\</c>.</summary>
    public static void CheckName(string? name)
    {
        if (name is null || name.Length is 0 or > 255 || name.Any(c => char.IsControl(c) || c is '/' or '\\'))
        {
            throw new ArgumentException("A group name has 1–255 characters, without control characters, '/' or '\\'.", nameof(name));
        }
    }

    public void Load(IEnumerable<SftpGroup> groups)
    {
        lock (_lock)
        {
            _groups.Clear();
            foreach (var group in groups)
            {
                CheckName(group?.Name);
                _groups[group!.Name] = group.Clone();
            }
        }
    }

    public SftpGroup? Find(string name)
    {
        lock (_lock)
        {
            return _groups.GetValueOrDefault(name)?.Clone();
        }
    }

    public List<SftpGroup> Snapshot()
    {
        lock (_lock)
        {
            return _groups.Values.Select(g => g.Clone()).ToList();
        }
    }

    public void Create(SftpGroup group)
    {
        ArgumentNullException.ThrowIfNull(group);
        CheckName(group.Name);
        lock (_lock)
        {
            if (!_groups.TryAdd(group.Name, group.Clone()))
            {
                throw new InvalidOperationException("A group with this name exists.");
            }
        }
    }

    public bool Update(SftpGroup group)
    {
        ArgumentNullException.ThrowIfNull(group);
        CheckName(group.Name);
        lock (_lock)
        {
            if (!_groups.ContainsKey(group.Name))
            {
                return false;
            }
            _groups[group.Name] = group.Clone();
            return true;
        }
    }

    public bool Delete(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        lock (_lock)
        {
            return _groups.Remove(name);
        }
    }

    public static async IAsyncEnumerable<SftpGroup> Enumerate(List<SftpGroup> snapshot, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        foreach (var group in snapshot)
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return group;
        }
        await Task.CompletedTask.ConfigureAwait(false);
    }
}
