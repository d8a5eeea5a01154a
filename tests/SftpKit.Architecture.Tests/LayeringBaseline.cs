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
        Accounts -> Admin: SftpKit.Accounts.SftpAccountBackup -> SftpKit.Admin.ISftpAdminStore
        Accounts -> Admin: SftpKit.Accounts.SftpAccountBackup -> SftpKit.Admin.SftpAdmin
        Accounts -> Admin: SftpKit.Accounts.SftpAccountBackup -> SftpKit.Admin.SftpApiKey

        Accounts -> Sftp: SftpKit.Accounts.AccountFileSystemProvider -> SftpKit.Sftp.ISftpFileSystemProvider
        Accounts -> Sftp: SftpKit.Accounts.SessionPipelineRegistration -> SftpKit.Sftp.ISftpFileSystemProvider

        Accounts -> Ssh: SftpKit.Accounts.AccountAuthenticator -> SftpKit.ISshAuthenticator
        Accounts -> Ssh: SftpKit.Accounts.AccountAuthenticator -> SftpKit.SshCertificate
        Accounts -> Ssh: SftpKit.Accounts.AccountAuthenticator -> SftpKit.SshPublicKey
        Accounts -> Ssh: SftpKit.Accounts.AccountFileSystemProvider -> SftpKit.SshChannelContext

        Events -> Ssh: SftpKit.Events.EventedCommandHandler -> SftpKit.ISshCommandHandler
        Events -> Ssh: SftpKit.Events.EventedCommandHandler -> SftpKit.SshChannelContext

        Policies -> Hosting: SftpKit.Policies.DefenderAuthenticationObserver -> SftpKit.Hosting.Log
        Policies -> Hosting: SftpKit.Policies.DefenderAuthenticationObserver -> SftpKit.Hosting.ProxyProtocol.TrustedProxyList
        Policies -> Hosting: SftpKit.Policies.InMemoryDefender -> SftpKit.Hosting.Log
        Policies -> Hosting: SftpKit.Policies.InMemoryDefender -> SftpKit.SftpServerOptions

        Ssh -> Accounts: SftpKit.Ssh.Authentication.InMemoryAuthenticator -> SftpKit.Accounts.PasswordHashGate
        Ssh -> Accounts: SftpKit.Ssh.Authentication.InMemoryAuthenticator -> SftpKit.Accounts.PasswordVerificationResult
        Ssh -> Accounts: SftpKit.Ssh.Authentication.InMemoryAuthenticator -> SftpKit.Accounts.SftpPasswordHasher

        Ssh -> Hosting: SftpKit.Ssh.Authentication.InMemoryAuthenticator -> SftpKit.SftpServerOptions
        """;

    /// <summary>Dependencies between SftpKit.Core's namespaces (root-namespace types counted in their folder's
    /// namespace) that lie on a cycle, one per line: <c>FromNamespace -> ToNamespace</c>.</summary>
    public const string NamespaceCycleEdges = """
        # Namespace dependencies that lie on a cycle, by source namespace.
        SftpKit.Accounts -> SftpKit.Policies
        SftpKit.Accounts -> SftpKit.Ssh.Authentication

        SftpKit.Hosting -> SftpKit.Accounts
        SftpKit.Hosting -> SftpKit.Hosting.ProxyProtocol
        SftpKit.Hosting -> SftpKit.Policies
        SftpKit.Hosting -> SftpKit.Ssh.Authentication

        SftpKit.Hosting.ProxyProtocol -> SftpKit.Hosting

        SftpKit.Policies -> SftpKit.Accounts
        SftpKit.Policies -> SftpKit.Hosting
        SftpKit.Policies -> SftpKit.Hosting.ProxyProtocol

        SftpKit.Ssh.Authentication -> SftpKit.Accounts
        SftpKit.Ssh.Authentication -> SftpKit.Hosting
        """;
}
