using SftpKit.Sessions;
namespace SftpKit.Architecture.Tests;

/// <summary>
/// The known violations of SftpKit's layering, reviewed, as the code stands before the redesign of issue 13 removes
/// them (docs/architecture.md). The baseline only shrinks: a line goes when its dependency goes (the tests fail until
/// it is deleted), and no line is ever added. When both lists are empty, the redesign has landed.
/// </summary>
public static class LayeringBaseline
{
    /// <summary>Forbidden type dependencies, one per line: <c>FromLayer -> ToLayer: FromType -> ToType</c> (nested and
    /// compiler-generated types count as their outermost type; a root-namespace type's layer is its folder).</summary>
    public const string ForbiddenEdges = """
        # Type dependencies that break a rule of Layers.Rules, by layer pair.
        Ssh -> Hosting: SftpKit.Ssh.Authentication.UserAuthService -> SftpKit.Hosting.Log
        Ssh -> Hosting: SftpKit.Ssh.Connection.ConnectionService -> SftpKit.Hosting.Log
        Ssh -> Hosting: SftpKit.Ssh.KeyExchange.KeyExchangeHandler -> SftpKit.SshAlgorithmOptions
        Ssh -> Hosting: SftpKit.Ssh.SshServerConnection -> SftpKit.Hosting.ConnectionPolicies
        Ssh -> Hosting: SftpKit.Ssh.SshServerConnection -> SftpKit.Hosting.Log
        Ssh -> Hosting: SftpKit.Ssh.SshServerConnection -> SftpKit.SftpServerLimits
        Ssh -> Hosting: SftpKit.Ssh.SshServerConnection -> SftpKit.SftpServerOptions
        Ssh -> Hosting: SftpKit.Ssh.SshServerConnection -> SftpKit.SshAlgorithmOptions
        Ssh -> Hosting: SftpKit.Ssh.SshServerContext -> SftpKit.Hosting.ConnectionPolicies
        Ssh -> Hosting: SftpKit.Ssh.SshServerContext -> SftpKit.SftpServerOptions

        Ssh -> Policies: SftpKit.Ssh.SshServerConnection -> SftpKit.SftpDefenderOptions
        """;

    /// <summary>Dependencies between SftpKit.Core's namespaces (root-namespace types counted in their folder's
    /// namespace) that lie on a cycle, one per line: <c>FromNamespace -> ToNamespace</c>.</summary>
    public const string NamespaceCycleEdges = """
        # Namespace dependencies that lie on a cycle, by source namespace.
        SftpKit.Accounts -> SftpKit.Policies

        SftpKit.Commands -> SftpKit.Sftp
        SftpKit.Commands -> SftpKit.Ssh.Connection

        SftpKit.Hosting -> SftpKit.Commands
        SftpKit.Hosting -> SftpKit.Scp
        SftpKit.Hosting -> SftpKit.Sftp
        SftpKit.Hosting -> SftpKit.Ssh
        SftpKit.Hosting -> SftpKit.Ssh.Authentication
        SftpKit.Hosting -> SftpKit.Ssh.Connection
        SftpKit.Hosting -> SftpKit.Ssh.KeyExchange
        SftpKit.Hosting -> SftpKit.Ssh.Keys
        SftpKit.Hosting -> SftpKit.Ssh.Transport

        SftpKit.Policies -> SftpKit.Accounts

        SftpKit.Scp -> SftpKit.Commands
        SftpKit.Scp -> SftpKit.Sftp
        SftpKit.Scp -> SftpKit.Ssh.Connection

        SftpKit.Sftp -> SftpKit.Ssh.Connection

        SftpKit.Ssh -> SftpKit.Hosting
        SftpKit.Ssh -> SftpKit.Ssh.Authentication
        SftpKit.Ssh -> SftpKit.Ssh.Connection
        SftpKit.Ssh -> SftpKit.Ssh.KeyExchange
        SftpKit.Ssh -> SftpKit.Ssh.Keys
        SftpKit.Ssh -> SftpKit.Ssh.Transport

        SftpKit.Ssh.Authentication -> SftpKit.Hosting
        SftpKit.Ssh.Authentication -> SftpKit.Ssh
        SftpKit.Ssh.Authentication -> SftpKit.Ssh.Keys
        SftpKit.Ssh.Authentication -> SftpKit.Ssh.Transport

        SftpKit.Ssh.Connection -> SftpKit.Hosting
        SftpKit.Ssh.Connection -> SftpKit.Ssh
        SftpKit.Ssh.Connection -> SftpKit.Ssh.Transport

        SftpKit.Ssh.KeyExchange -> SftpKit.Hosting
        SftpKit.Ssh.KeyExchange -> SftpKit.Ssh
        SftpKit.Ssh.KeyExchange -> SftpKit.Ssh.Keys
        SftpKit.Ssh.KeyExchange -> SftpKit.Ssh.Transport

        SftpKit.Ssh.Keys -> SftpKit.Ssh

        SftpKit.Ssh.Transport -> SftpKit.Ssh
        """;
}
