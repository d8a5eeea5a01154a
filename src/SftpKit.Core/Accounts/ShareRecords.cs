namespace SftpKit.Accounts;

/// <summary>The shares of the in-memory and JSON-file stores, under one lock; everything in and out is a copy.</summary>
internal sealed class ShareRecords
{
    private readonly Lock _lock = new();
    private readonly SortedDictionary<string, SftpShare> _shares = new(StringComparer.Ordinal);

    public SftpShare? Find(string id)
    {
        ArgumentNullException.ThrowIfNull(id);
        lock (_lock)
        {
            return _shares.GetValueOrDefault(id)?.Clone();
        }
    }

    public List<SftpShare> Snapshot(string? userName)
    {
        lock (_lock)
        {
            return _shares.Values.Where(s => userName is null || string.Equals(s.UserName, userName, StringComparison.Ordinal)).Select(s => s.Clone()).ToList();
        }
    }

    public void Load(IEnumerable<SftpShare> shares)
    {
        lock (_lock)
        {
            _shares.Clear();
            foreach (var share in shares)
            {
                Check(share);
                if (!_shares.TryAdd(share.Id, share.Clone()))
                {
                    throw new InvalidDataException("Every share needs a unique id.");
                }
            }
        }
    }

    public void Create(SftpShare share)
    {
        Check(share);
        lock (_lock)
        {
            if (!_shares.TryAdd(share.Id, share.Clone()))
            {
                throw new InvalidOperationException("A share with this id exists.");
            }
        }
    }

    public bool Update(SftpShare share)
    {
        Check(share);
        lock (_lock)
        {
            if (!_shares.TryGetValue(share.Id, out var old))
            {
                return false;
            }
            var copy = share.Clone();
            copy.CreatedAt = old.CreatedAt;
            copy.UsedTokens = old.UsedTokens;
            copy.LastUseAt = old.LastUseAt;
            _shares[share.Id] = copy;
            return true;
        }
    }

    public bool Delete(string id)
    {
        ArgumentNullException.ThrowIfNull(id);
        lock (_lock)
        {
            return _shares.Remove(id);
        }
    }

    public bool TryUse(string id, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(id);
        lock (_lock)
        {
            if (!_shares.TryGetValue(id, out var share) || share.IsExhausted)
            {
                return false;
            }
            share.UsedTokens++;
            share.LastUseAt = now;
            return true;
        }
    }

    /// <summary>Caller misuse the stores refuse alike: a missing share, a bad id, no owner.</summary>
    public static void Check(SftpShare share)
    {
        ArgumentNullException.ThrowIfNull(share);
        if (!SftpShare.IsValidId(share.Id))
        {
            throw new ArgumentException("A share id has 1–64 characters of A-Z, a-z, 0-9, '-' and '_'.", nameof(share));
        }
        if (string.IsNullOrEmpty(share.UserName))
        {
            throw new ArgumentException("A share needs its owner's user name.", nameof(share));
        }
    }

    public static async IAsyncEnumerable<SftpShare> Enumerate(List<SftpShare> shares,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        foreach (var share in shares)
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return share;
        }
        await Task.CompletedTask.ConfigureAwait(false);
    }
}
