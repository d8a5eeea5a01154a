using SftpKit.Ssh.Keys;

namespace SftpKit.Hosting;

/// <summary>
/// Host keys that live only in memory, registered in DI to replace loading from files (the test host uses it, so
/// nothing is written to disk). The server takes ownership and disposes the keys when it stops.
/// </summary>
internal sealed class InMemoryHostKeys(IReadOnlyList<SshHostKey> keys)
{
    public IReadOnlyList<SshHostKey> Keys { get; } = keys;
}
