using System.Collections.Concurrent;
using System.Runtime.CompilerServices;

namespace SftpKit.Accounts;

/// <summary>
/// Quota usage held in process memory (lost at restart): the quota store of the in-memory account store, and of the
/// session pipeline when no account store is registered. Thread-safe; usage never goes below zero.
/// </summary>
public sealed class InMemoryQuotaStore : ISftpQuotaStore
{
    private readonly ConcurrentDictionary<SftpQuotaOwner, StrongBox<(long Size, long Files)>> _usage = new();

    /// <inheritdoc/>
    public ValueTask<SftpQuotaUsage> GetAsync(SftpQuotaOwner owner, CancellationToken cancellationToken)
    {
        if (!_usage.TryGetValue(owner, out var box))
        {
            return ValueTask.FromResult(default(SftpQuotaUsage));
        }
        lock (box)
        {
            return ValueTask.FromResult(new SftpQuotaUsage(box.Value.Size, box.Value.Files));
        }
    }

    /// <inheritdoc/>
    public ValueTask AddAsync(SftpQuotaOwner owner, long sizeDelta, long filesDelta, CancellationToken cancellationToken)
    {
        var box = _usage.GetOrAdd(owner, static _ => new StrongBox<(long, long)>());
        lock (box)
        {
            box.Value = (Math.Max(0, box.Value.Size + sizeDelta), Math.Max(0, box.Value.Files + filesDelta));
        }
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc/>
    public ValueTask SetAsync(SftpQuotaOwner owner, SftpQuotaUsage usage, CancellationToken cancellationToken)
    {
        var box = _usage.GetOrAdd(owner, static _ => new StrongBox<(long, long)>());
        lock (box)
        {
            box.Value = (usage.Size, usage.Files);
        }
        return ValueTask.CompletedTask;
    }
}
