using Microsoft.Extensions.Logging;
using SftpKit.Ssh.Keys;

namespace SftpKit.Ssh.Server;

/// <summary>
/// What every connection of one server shares. The host composes the ssh-userauth service (<see cref="StartUserAuth"/>):
/// authenticators, observers and authorizers are its to choose.
/// </summary>
internal sealed record SshServerContext(
    SshServerSettings Settings,
    IReadOnlyList<SshHostKey> HostKeys,
    IReadOnlyList<ISshSubsystemHandler> Subsystems,
    IReadOnlyList<ISshCommandHandler> Commands,
    ILogger Logger,
    Func<SshUserAuthStart, SshUserAuthHandler> StartUserAuth,
    ISshConnectionPolicies? Policies = null);
