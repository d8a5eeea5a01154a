using System.Runtime.CompilerServices;
using SftpKit.Networking;

namespace SftpKit.Admin;

/// <summary>The admins and API keys of the built-in stores, under one lock; every instance in or out is a copy.</summary>
internal sealed class AdminRecords
{
    private readonly object _lock = new();
    private readonly SortedDictionary<string, SftpAdmin> _admins = new(StringComparer.Ordinal);
    private readonly List<SftpApiKey> _keys = [];

    public event Action? Changed;

    public SftpAdmin? Find(string userName)
    {
        lock (_lock)
        {
            return _admins.GetValueOrDefault(userName)?.Clone();
        }
    }

    public (List<SftpAdmin> Admins, List<SftpApiKey> Keys) Snapshot()
    {
        lock (_lock)
        {
            return (_admins.Values.Select(a => a.Clone()).ToList(), _keys.Select(k => k.Clone()).ToList());
        }
    }

    public void Load(IEnumerable<SftpAdmin> admins, IEnumerable<SftpApiKey> keys)
    {
        lock (_lock)
        {
            _admins.Clear();
            foreach (var admin in admins)
            {
                _admins[admin.UserName] = admin.Clone();
            }
            _keys.Clear();
            _keys.AddRange(keys.Select(k => k.Clone()));
        }
    }

    public void Create(SftpAdmin admin)
    {
        ArgumentNullException.ThrowIfNull(admin);
        lock (_lock)
        {
            if (!_admins.TryAdd(admin.UserName, Stored(admin)))
            {
                throw new InvalidOperationException("An admin with this name exists.");
            }
        }
        Changed?.Invoke();
    }

    public bool Update(SftpAdmin admin)
    {
        ArgumentNullException.ThrowIfNull(admin);
        lock (_lock)
        {
            if (!_admins.ContainsKey(admin.UserName))
            {
                return false;
            }
            _admins[admin.UserName] = Stored(admin);
        }
        Changed?.Invoke();
        return true;
    }

    /// <summary>The copy a save keeps: allowed networks normalised (<see cref="SftpNetwork"/>), so the file holds what is matched.</summary>
    private static SftpAdmin Stored(SftpAdmin admin)
    {
        var copy = admin.Clone();
        copy.AllowedNetworks = SftpNetworkList.Normalize(copy.AllowedNetworks);
        return copy;
    }

    public bool Delete(string userName)
    {
        lock (_lock)
        {
            if (!_admins.Remove(userName))
            {
                return false;
            }
            _keys.RemoveAll(k => k.Admin == userName);
        }
        Changed?.Invoke();
        return true;
    }

    public SftpApiKey? FindKey(string id)
    {
        lock (_lock)
        {
            return _keys.Find(k => k.Id == id)?.Clone();
        }
    }

    public void CreateKey(SftpApiKey key)
    {
        ArgumentNullException.ThrowIfNull(key);
        lock (_lock)
        {
            if (_keys.Exists(k => k.Id == key.Id))
            {
                throw new InvalidOperationException("An API key with this id exists.");
            }
            _keys.Add(key.Clone());
        }
        Changed?.Invoke();
    }

    public bool DeleteKey(string id)
    {
        lock (_lock)
        {
            if (_keys.RemoveAll(k => k.Id == id) == 0)
            {
                return false;
            }
        }
        Changed?.Invoke();
        return true;
    }

    public static async IAsyncEnumerable<T> Enumerate<T>(List<T> items, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        foreach (var item in items)
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return item;
        }
        await Task.CompletedTask;
    }
}
