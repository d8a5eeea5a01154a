using System.Collections.Concurrent;

namespace SftpKit.Accounts;

/// <summary>
/// Remembers, per owner, the last time step whose code was accepted, so a code (or an older one) is refused once
/// used: one number per owner. Bounded: past <see cref="MaxEntries"/> owners, entries older than the verification
/// window (which can no longer refuse anything) are dropped; if all are recent, the new owner's code is refused
/// (logins wait a step) rather than the memory growing. Memory of one process: instances behind a load balancer each
/// keep their own.
/// </summary>
internal sealed class TotpReplayGuard
{
    /// <summary>Most owners remembered at once: 100,000.</summary>
    public const int MaxEntries = 100_000;

    private readonly ConcurrentDictionary<SftpCredentialOwner, long> _lastStep = new();
    private readonly Lock _purgeLock = new();

    /// <summary>Records <paramref name="step"/> as used; false when it, or a later step, was used already.</summary>
    public bool TryUse(SftpCredentialOwner owner, long step, long currentStep)
    {
        while (true)
        {
            if (_lastStep.TryGetValue(owner, out long last))
            {
                if (step <= last)
                {
                    return false;
                }
                if (_lastStep.TryUpdate(owner, step, last))
                {
                    return true;
                }
                continue;
            }
            if (_lastStep.Count >= MaxEntries && !Purge(currentStep))
            {
                return false;
            }
            if (_lastStep.TryAdd(owner, step))
            {
                return true;
            }
        }
    }

    public int Count => _lastStep.Count;

    private bool Purge(long currentStep)
    {
        lock (_purgeLock)
        {
            foreach (var (owner, last) in _lastStep)
            {
                if (last < currentStep - 2)
                {
                    _lastStep.TryRemove(new KeyValuePair<SftpCredentialOwner, long>(owner, last));
                }
            }
            return _lastStep.Count < MaxEntries;
        }
    }
}
