using System.Runtime.CompilerServices;

namespace SftpKit.Accounts;

/// <summary>The second factors and tokens of the in-memory and JSON-file stores, under one lock; everything in and out is a copy.</summary>
internal sealed class CredentialRecords
{
    private readonly Lock _lock = new();
    private readonly SortedDictionary<string, SftpTotpConfig> _totp = new(StringComparer.Ordinal);
    private readonly SortedDictionary<string, SftpAccessToken> _tokens = new(StringComparer.Ordinal);

    private static string Key(SftpCredentialOwnerKind kind, string name) => (kind == SftpCredentialOwnerKind.Admin ? "a:" : "u:") + name;

    public SftpTotpConfig? GetTotp(SftpCredentialOwner owner)
    {
        lock (_lock)
        {
            return _totp.GetValueOrDefault(Key(owner.Kind, owner.Name))?.Clone();
        }
    }

    public void SetTotp(SftpTotpConfig config)
    {
        Check(config);
        lock (_lock)
        {
            _totp[Key(config.OwnerKind, config.OwnerName)] = config.Clone();
        }
    }

    public bool DeleteTotp(SftpCredentialOwner owner)
    {
        lock (_lock)
        {
            return _totp.Remove(Key(owner.Kind, owner.Name));
        }
    }

    public SftpAccessToken? FindToken(string id)
    {
        ArgumentNullException.ThrowIfNull(id);
        lock (_lock)
        {
            return _tokens.GetValueOrDefault(id)?.Clone();
        }
    }

    public void CreateToken(SftpAccessToken token)
    {
        Check(token);
        lock (_lock)
        {
            if (!_tokens.TryAdd(token.Id, token.Clone()))
            {
                throw new InvalidOperationException("A token with this id exists.");
            }
        }
    }

    public bool DeleteToken(string id)
    {
        ArgumentNullException.ThrowIfNull(id);
        lock (_lock)
        {
            return _tokens.Remove(id);
        }
    }

    public bool TouchToken(string id, DateTimeOffset time)
    {
        lock (_lock)
        {
            if (!_tokens.TryGetValue(id, out var token))
            {
                return false;
            }
            token.LastUseAt = time;
            return true;
        }
    }

    public (List<SftpTotpConfig> Totp, List<SftpAccessToken> Tokens) Snapshot(SftpCredentialOwner? owner = null)
    {
        lock (_lock)
        {
            return (_totp.Values.Select(t => t.Clone()).ToList(),
                _tokens.Values.Where(t => owner is not { } o || (t.OwnerKind == o.Kind && string.Equals(t.OwnerName, o.Name, StringComparison.Ordinal)))
                    .Select(t => t.Clone()).ToList());
        }
    }

    public void Load(IEnumerable<SftpTotpConfig> totp, IEnumerable<SftpAccessToken> tokens)
    {
        lock (_lock)
        {
            _totp.Clear();
            _tokens.Clear();
            foreach (var config in totp)
            {
                Check(config);
                _totp[Key(config.OwnerKind, config.OwnerName)] = config.Clone();
            }
            foreach (var token in tokens)
            {
                Check(token);
                if (!_tokens.TryAdd(token.Id, token.Clone()))
                {
                    throw new InvalidDataException("Every token needs a unique id.");
                }
            }
        }
    }

    public static async IAsyncEnumerable<T> Enumerate<T>(List<T> items, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        foreach (var item in items)
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return item;
        }
        await Task.CompletedTask.ConfigureAwait(false);
    }

    internal static void Check(SftpTotpConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        if (string.IsNullOrEmpty(config.OwnerName) || string.IsNullOrEmpty(config.Secret))
        {
            throw new ArgumentException("A second factor needs its owner and secret.", nameof(config));
        }
    }

    internal static void Check(SftpAccessToken token)
    {
        ArgumentNullException.ThrowIfNull(token);
        if (!SftpCredentials.IsValidTokenId(token.Id) || string.IsNullOrEmpty(token.OwnerName) || string.IsNullOrEmpty(token.Hash))
        {
            throw new ArgumentException("A token needs a valid id, its owner and its hash.", nameof(token));
        }
    }
}
