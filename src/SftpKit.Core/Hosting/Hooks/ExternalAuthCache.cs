using System.Security.Cryptography;
using System.Text;
using SftpKit.Accounts;

namespace SftpKit.Hosting.Hooks;

/// <summary>
/// Successful external authentications reused until they expire, keyed by a SHA-256 of the user name, method and
/// credential (so a cached password login never accepts another password, and no credential is kept). Bounded: at
/// most the given number of entries, the soonest to expire evicted first.
/// </summary>
internal sealed class ExternalAuthCache
{
    private readonly Dictionary<string, (SftpAccount Account, DateTimeOffset Expires)> _entries = new(StringComparer.Ordinal);
    private readonly int _capacity;
    private readonly TimeProvider _time;
    private readonly Lock _lock = new();

    public ExternalAuthCache(int capacity, TimeProvider time)
    {
        _capacity = Math.Max(1, capacity);
        _time = time;
    }

    public static string Key(string scope, string userName, string method, string credential)
    {
        byte[] digest = SHA256.HashData(Encoding.UTF8.GetBytes(string.Join('\0', scope, userName, method, credential)));
        return Convert.ToHexString(digest);
    }

    public SftpAccount? Find(string key)
    {
        lock (_lock)
        {
            if (!_entries.TryGetValue(key, out var entry))
            {
                return null;
            }
            if (entry.Expires <= _time.GetUtcNow())
            {
                _entries.Remove(key);
                return null;
            }
            return entry.Account.Clone();
        }
    }

    public void Add(string key, SftpAccount account, TimeSpan lifetime)
    {
        if (lifetime <= TimeSpan.Zero)
        {
            return;
        }
        var now = _time.GetUtcNow();
        lock (_lock)
        {
            if (_entries.Count >= _capacity && !_entries.ContainsKey(key))
            {
                foreach (var expired in _entries.Where(e => e.Value.Expires <= now).Select(e => e.Key).ToList())
                {
                    _entries.Remove(expired);
                }
                if (_entries.Count >= _capacity)
                {
                    _entries.Remove(_entries.MinBy(e => e.Value.Expires).Key);
                }
            }
            _entries[key] = (account.Clone(), now + lifetime);
        }
    }
}
