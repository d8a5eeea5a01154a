using Microsoft.Extensions.Logging;
using SftpKit.Ssh.Authentication;
using SftpKit.Ssh.Keys;

namespace SftpKit.Ssh.Server;

/// <summary>What every connection of one server shares.</summary>
internal sealed record SshServerContext(
    SshServerSettings Settings,
    IReadOnlyList<SshHostKey> HostKeys,
    IReadOnlyList<ISshSubsystemHandler> Subsystems,
    IReadOnlyList<ISshCommandHandler> Commands,
    ILogger Logger,
    UserAuthSettings Auth,
    ISshConnectionPolicies? Policies = null);
