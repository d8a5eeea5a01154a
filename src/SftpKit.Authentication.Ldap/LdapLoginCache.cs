using System.Security.Cryptography;
using System.Text;

namespace SftpKit.Authentication.Ldap;

/// <summary>
/// Accepted directory logins reused for <see cref="LdapAuthenticationOptions.CacheDuration"/>, keyed by a SHA-256 of
/// the method, name and credential (no credential kept); at most <see cref="LdapAuthenticationOptions.MaxCacheEntries"/>,
/// the soonest to expire evicted first.
/// </summary>
internal sealed class LdapLoginCache
{
    private readonly Dictionary<string, (LdapIdentity Identity, DateTimeOffset Expires)> _entries = new(StringComparer.Ordinal);
    private readonly TimeSpan _lifetime;
    private readonly int _capacity;
    private readonly TimeProvider _time;
    private readonly Lock _lock = new();

    public LdapLoginCache(TimeSpan lifetime, int capacity, TimeProvider time)
    {
        _lifetime = lifetime;
        _capacity = Math.Max(1, capacity);
        _time = time;
    }

    public static string Key(string method, string userName, string credential) =>
        Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join('\0', method, userName, credential))));

    public LdapIdentity? Find(string key)
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
            return entry.Identity;
        }
    }

    public void Add(string key, LdapIdentity identity)
    {
        if (_lifetime <= TimeSpan.Zero)
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
            _entries[key] = (identity, now + _lifetime);
        }
    }
}
