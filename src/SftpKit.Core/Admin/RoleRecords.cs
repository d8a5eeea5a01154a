namespace SftpKit.Admin;

/// <summary>The roles of the built-in role stores, under one lock; every instance in or out is a copy.</summary>
internal sealed class RoleRecords
{
    private readonly Lock _lock = new();
    private readonly SortedDictionary<string, SftpRole> _roles = new(StringComparer.Ordinal);

    public SftpRole? Find(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        lock (_lock)
        {
            return _roles.GetValueOrDefault(name)?.Clone();
        }
    }

    public List<SftpRole> Snapshot()
    {
        lock (_lock)
        {
            return _roles.Values.Select(r => r.Clone()).ToList();
        }
    }

    public void Load(IEnumerable<SftpRole> roles)
    {
        lock (_lock)
        {
            _roles.Clear();
            foreach (var role in roles)
            {
                _roles[role.Name] = role.Clone();
            }
        }
    }

    public void Create(SftpRole role)
    {
        Check(role);
        lock (_lock)
        {
            if (!_roles.TryAdd(role.Name, role.Clone()))
            {
                throw new InvalidOperationException("A role with this name exists.");
            }
        }
    }

    public bool Update(SftpRole role)
    {
        Check(role);
        lock (_lock)
        {
            if (!_roles.ContainsKey(role.Name))
            {
                return false;
            }
            _roles[role.Name] = role.Clone();
            return true;
        }
    }

    public bool Delete(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        lock (_lock)
        {
            return _roles.Remove(name);
        }
    }

    /// <summary>Refuses a role no store should keep: a missing, overlong or control-character name.</summary>
    public static void Check(SftpRole role)
    {
        ArgumentNullException.ThrowIfNull(role);
        if (!IsValidName(role.Name))
        {
            throw new ArgumentException("A role name has 1–255 characters, without control characters, '/' or '\\'.", nameof(role));
        }
    }

    /// <summary>True for 1–255 characters without control characters, <c>/</c> or <c>\</c>.</summary>
    public static bool IsValidName(string? name) =>
        name is { Length: > 0 and <= 255 } && !name.Any(c => char.IsControl(c) || c is '/' or '\\');
}
