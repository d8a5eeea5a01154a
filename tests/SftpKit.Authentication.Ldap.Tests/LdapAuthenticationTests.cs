using System.Globalization;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using SftpKit.Accounts;
using SftpKit.Authentication.Ldap;
using SftpKit.Tests.Interop;

namespace SftpKit.Tests.Authentication.Ldap;

/// <summary>
/// LDAP logins against a real slapd started by the test: bind as the user, search-then-bind with a service account,
/// groups mapped to SftpKit group and role names, a wrong password, a disabled entry, and an OpenSSH sftp login of a
/// user who exists only in the directory.
/// </summary>
public sealed class LdapAuthenticationTests : IClassFixture<SlapdServer>
{
    private readonly SlapdServer _slapd;

    public LdapAuthenticationTests(SlapdServer slapd) => _slapd = slapd;

    private LdapAuthenticationOptions SearchThenBind() => new()
    {
        Host = "127.0.0.1",
        Port = _slapd.Port,
        Security = LdapTransportSecurity.None,
        BindDn = SlapdServer.ReaderDn,
        BindPassword = SlapdServer.ReaderPassword,
        SearchBase = SlapdServer.People,
        GroupSearchBase = SlapdServer.GroupsDn,
        DisabledFilter = "(employeeType=disabled)",
        GroupMappings = { ["sftp-ops"] = "operators", ["cn=staff,ou=groups,dc=example,dc=org"] = "staff" },
        RoleMappings = { ["sftp-ops"] = "ops" },
        FallBackToLocalAccounts = false,
    };

    private LdapAuthenticationOptions BindAsUser() => new()
    {
        Host = "127.0.0.1",
        Port = _slapd.Port,
        Security = LdapTransportSecurity.None,
        UserDnTemplate = "uid={0}," + SlapdServer.People,
        GroupSearchBase = SlapdServer.GroupsDn,
        GroupMappings = { ["staff"] = "staff" },
        HomeDirectoryTemplate = "/srv/sftp/{0}",
        FallBackToLocalAccounts = false,
    };

    private readonly ListLogger<LdapAuthenticator> _log = new();

    private LdapAuthenticator Authenticator(LdapAuthenticationOptions options, ISshAuthenticator? inner = null) =>
        new(inner ?? new RefusingAuthenticator(), options, null, _log);

    private static SshAuthContext Context(string user) =>
        new(user, new IPEndPoint(IPAddress.Loopback, 50000), "SSH-2.0-test", "c1", "password", []);

    [Fact]
    public async Task Binds_as_the_user_from_the_dn_template_and_reads_home_and_groups()
    {
        _slapd.Require();
        using var ldap = Authenticator(BindAsUser());
        var result = await ldap.AuthenticatePasswordAsync(Context("alice"), SlapdServer.AlicePassword, CancellationToken.None);
        Assert.True(result.Succeeded);
        var account = result.Principal!.GetFeature<SftpAccount>()!;
        Assert.Equal(_slapd.AliceHome, account.HomeDirectory);
        Assert.Single(account.PublicKeys);
        Assert.Equal("staff", account.Metadata[LdapAuthenticator.GroupsMetadataKey]);
        Assert.Equal("uid=alice," + SlapdServer.People, account.Metadata[LdapAuthenticator.DnMetadataKey]);
        Assert.True(account.Enabled);
        // carol has no homeDirectory: the template gives one.
        var carol = await ldap.AuthenticatePasswordAsync(Context("carol"), SlapdServer.CarolPassword, CancellationToken.None);
        Assert.Equal("/srv/sftp/carol", carol.Principal!.GetFeature<SftpAccount>()!.HomeDirectory);
    }

    [Fact]
    public async Task Search_then_bind_maps_directory_groups_to_group_and_role_names()
    {
        _slapd.Require();
        LdapIdentity? seen = null;
        using var ldap = new LdapAuthenticator(new RefusingAuthenticator(), SearchThenBind(), (account, identity) => seen = identity,
            NullLogger<LdapAuthenticator>.Instance);
        var result = await ldap.AuthenticatePasswordAsync(Context("alice"), SlapdServer.AlicePassword, CancellationToken.None);
        Assert.True(result.Succeeded);
        var account = result.Principal!.GetFeature<SftpAccount>()!;
        Assert.Equal("ops", account.Metadata[LdapAuthenticator.RoleMetadataKey]);
        Assert.Equal("ops", account.Role);
        Assert.Equal(["operators", "staff"], account.Metadata[LdapAuthenticator.GroupsMetadataKey].Split(',').Order());
        Assert.Equal(["operators", "staff"], account.Groups.Select(g => g.Name).Order());
        Assert.All(account.Groups, g => Assert.Equal(SftpGroupType.Secondary, g.Type));
        Assert.NotNull(seen);
        Assert.Equal("ops", seen.Role);
        Assert.Equal(2, seen.GroupDns.Count);
        // bob is in staff only: a group, no role.
        var bob = await ldap.AuthenticatePasswordAsync(Context("bob"), SlapdServer.BobPassword, CancellationToken.None);
        var bobAccount = bob.Principal!.GetFeature<SftpAccount>()!;
        Assert.Equal("staff", bobAccount.Metadata[LdapAuthenticator.GroupsMetadataKey]);
        Assert.False(bobAccount.Metadata.ContainsKey(LdapAuthenticator.RoleMetadataKey));
    }

    [Fact]
    public async Task Wrong_or_empty_password_and_unknown_or_injected_names_fail()
    {
        _slapd.Require();
        using var ldap = Authenticator(SearchThenBind());
        var wrong = await ldap.AuthenticatePasswordAsync(Context("alice"), "not alice", CancellationToken.None);
        Assert.Equal(SshAuthFailureReason.InvalidCredentials, wrong.FailureReason);
        // An empty password would be an unauthenticated bind, which LDAP servers accept.
        var empty = await ldap.AuthenticatePasswordAsync(Context("alice"), "", CancellationToken.None);
        Assert.False(empty.Succeeded);
        var unknown = await ldap.AuthenticatePasswordAsync(Context("nobody"), "x", CancellationToken.None);
        Assert.Equal(SshAuthFailureReason.UnknownUser, unknown.FailureReason);
        // A filter character in the name is escaped: "*" is a name, not a wildcard.
        var star = await ldap.AuthenticatePasswordAsync(Context("*"), SlapdServer.AlicePassword, CancellationToken.None);
        Assert.False(star.Succeeded);
        using var asUser = Authenticator(BindAsUser());
        Assert.False((await asUser.AuthenticatePasswordAsync(Context("alice"), "not alice", CancellationToken.None)).Succeeded);
    }

    [Fact]
    public async Task Unknown_users_fall_back_to_local_accounts_when_allowed()
    {
        _slapd.Require();
        var options = SearchThenBind();
        options.FallBackToLocalAccounts = true;
        var local = new RefusingAuthenticator();
        using var ldap = Authenticator(options, local);
        await ldap.AuthenticatePasswordAsync(Context("localonly"), "pw", CancellationToken.None);
        Assert.Equal(1, local.Calls);
        await ldap.AuthenticatePasswordAsync(Context("alice"), "not alice", CancellationToken.None);
        Assert.Equal(1, local.Calls); // a directory user's wrong password is not retried locally
    }

    [Fact]
    public async Task Disabled_entry_is_refused_by_the_login_pipeline_and_a_directory_only_user_logs_in_over_openssh()
    {
        _slapd.Require();
        Requires.Tool("sftp", "install Debian's openssh-client package");
        Requires.Tool("setsid", "install Debian's util-linux package");
        await using var host = await SftpHost.StartAsync(_slapd.Directory, SearchThenBind());
        await File.WriteAllTextAsync(Path.Combine(_slapd.Directory, "upload.txt"), "from ldap alice");

        var alice = await host.SftpWithPasswordAsync("alice", SlapdServer.AlicePassword, $"put {Path.Combine(_slapd.Directory, "upload.txt")} /ldap.txt");
        Assert.True(alice.ExitCode == 0, alice.StandardError);
        Assert.Equal("from ldap alice", await File.ReadAllTextAsync(Path.Combine(_slapd.AliceHome, "ldap.txt")));
        // Her key from the entry's sshPublicKey logs in too (batch mode, key only).
        var byKey = await host.SftpWithKeyAsync("alice", _slapd.AliceKey, "ls /ldap.txt");
        Assert.True(byKey.ExitCode == 0, byKey.StandardError);
        // The directory group sftp-ops maps to the SftpKit group "operators", which mounts a folder: alice sees it.
        await File.WriteAllTextAsync(Path.Combine(host.OperatorsFolder, "runbook.txt"), "ops only");
        var folder = await host.SftpWithPasswordAsync("alice", SlapdServer.AlicePassword, "ls /ops");
        Assert.True(folder.ExitCode == 0, folder.StandardError);
        Assert.Contains("runbook.txt", folder.Text, StringComparison.Ordinal);
        var bob = await host.SftpWithPasswordAsync("bob", SlapdServer.BobPassword, "pwd");
        Assert.True(bob.ExitCode != 0, "the disabled entry logged in");
        Assert.Contains("Permission denied", bob.StandardError, StringComparison.Ordinal);
        var wrong = await host.SftpWithPasswordAsync("alice", "not alice", "pwd");
        Assert.True(wrong.ExitCode != 0);
    }

    [Fact]
    public async Task StartTls_and_ldaps_verify_the_directory_certificate()
    {
        _slapd.Require();
        Requires.That(_slapd.TlsPort > 0, "openssl (for the test CA)", "install Debian's openssl package");
        var startTls = SearchThenBind();
        startTls.Security = LdapTransportSecurity.StartTls;
        startTls.TrustedCertificatesDirectory = _slapd.CaDirectory;
        using (var ldap = Authenticator(startTls))
        {
            Assert.True((await ldap.AuthenticatePasswordAsync(Context("alice"), SlapdServer.AlicePassword, CancellationToken.None)).Succeeded, "StartTLS: " + _log);
        }
        var ldaps = SearchThenBind();
        ldaps.Security = LdapTransportSecurity.Ldaps;
        ldaps.Port = _slapd.TlsPort;
        ldaps.TrustedCertificatesDirectory = _slapd.CaDirectory;
        using (var ldap = Authenticator(ldaps))
        {
            Assert.True((await ldap.AuthenticatePasswordAsync(Context("alice"), SlapdServer.AlicePassword, CancellationToken.None)).Succeeded, "LDAPS: " + _log);
        }
        // A directory whose certificate no trusted CA signed is refused (the generic failure), not used in clear.
        string untrusted = Directory.CreateDirectory(Path.Combine(_slapd.Directory, "empty-ca")).FullName;
        ldaps.TrustedCertificatesDirectory = untrusted;
        using (var ldap = Authenticator(ldaps))
        {
            Assert.False((await ldap.AuthenticatePasswordAsync(Context("alice"), SlapdServer.AlicePassword, CancellationToken.None)).Succeeded);
        }
        startTls.TrustedCertificatesDirectory = untrusted;
        using (var ldap = Authenticator(startTls))
        {
            Assert.False((await ldap.AuthenticatePasswordAsync(Context("alice"), SlapdServer.AlicePassword, CancellationToken.None)).Succeeded);
        }
    }

    /// <summary>The authenticator LDAP stands in front of in these tests: refuses everything, counting calls.</summary>
    private sealed class RefusingAuthenticator : ISshAuthenticator
    {
        public int Calls;

        public ValueTask<SshAuthResult> AuthenticatePasswordAsync(SshAuthContext context, string password, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref Calls);
            return ValueTask.FromResult(SshAuthResult.Fail(SshAuthFailureReason.UnknownUser));
        }

        public ValueTask<SshAuthResult> AuthenticatePublicKeyAsync(SshAuthContext context, SshPublicKey key, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref Calls);
            return ValueTask.FromResult(SshAuthResult.Fail(SshAuthFailureReason.UnknownUser));
        }
    }

    /// <summary>A host app serving sftp with an empty account store and LDAP logins in front of it.</summary>
    private sealed class SftpHost : IAsyncDisposable
    {
        private readonly IHost _host;
        private readonly string _root;
        private readonly int _port;

        private SftpHost(IHost host, string root, int port)
        {
            _host = host;
            _root = root;
            _port = port;
        }

        /// <summary>The local directory group "operators" mounts at <c>/ops</c>.</summary>
        public string OperatorsFolder => Path.Combine(_root, "operators");

        private string KnownHosts => Path.Combine(_root, "known_hosts");

        public static async Task<SftpHost> StartAsync(string directory, LdapAuthenticationOptions ldap)
        {
            string root = Directory.CreateDirectory(Path.Combine(directory, "host-" + Guid.NewGuid().ToString("N")[..8])).FullName;
            string hostKey = Path.Combine(root, "host_ed25519");
            var keygen = await ProcessRunner.RunAsync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", hostKey]);
            Assert.True(keygen.ExitCode == 0, keygen.StandardError);
            string operators = Directory.CreateDirectory(Path.Combine(root, "operators")).FullName;
            var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
            builder.Logging.SetMinimumLevel(LogLevel.Warning);
            builder.Services.AddSftpServer(o =>
                {
                    o.Listen(IPAddress.Loopback, 0);
                    o.HostKeyFiles.Add(hostKey);
                    o.Limits.ShutdownTimeout = TimeSpan.FromMilliseconds(200);
                    o.Defender.Enabled = false;
                })
                .AddSftp()
                .AddInMemoryUserStore()
                // The groups LDAP maps to must exist (a missing group refuses the login).
                .AddInMemoryGroupStore(
                    new SftpGroup
                    {
                        Name = "operators",
                        VirtualFolders = { new SftpVirtualFolder { Name = "ops", VirtualPath = "/ops", FileSystem = new SftpFileSystemConfig { Root = operators } } },
                    },
                    new SftpGroup { Name = "staff" })
                .AddLdapAuthentication(o => Copy(ldap, o));
            var host = builder.Build();
            await host.StartAsync();
            int port = ((IPEndPoint)host.Services.GetRequiredService<ISftpServer>().EndPoints[0]).Port;
            await File.WriteAllTextAsync(Path.Combine(root, "known_hosts"),
                $"[127.0.0.1]:{port.ToString(CultureInfo.InvariantCulture)} {(await File.ReadAllTextAsync(hostKey + ".pub")).Trim()}\n");
            return new SftpHost(host, root, port);
        }

        private static void Copy(LdapAuthenticationOptions from, LdapAuthenticationOptions to)
        {
            foreach (var property in typeof(LdapAuthenticationOptions).GetProperties().Where(p => p.CanWrite))
            {
                property.SetValue(to, property.GetValue(from));
            }
        }

        private List<string> Options(params string[] extra) =>
        [
            "-F", "/dev/null", "-o", "StrictHostKeyChecking=yes", "-o", $"UserKnownHostsFile={KnownHosts}", "-o", "GlobalKnownHostsFile=/dev/null",
            "-o", "ConnectTimeout=20", "-o", "LogLevel=ERROR", .. extra, "-P", _port.ToString(CultureInfo.InvariantCulture),
        ];

        /// <summary>sftp with a password through SSH_ASKPASS, commands on its input (<c>-b</c> would disable askpass).</summary>
        public async Task<ProcessRunner.Result> SftpWithPasswordAsync(string user, string password, params string[] commands)
        {
            string askpass = Path.Combine(_root, "askpass-" + Guid.NewGuid().ToString("N")[..8]);
            await File.WriteAllTextAsync(askpass, $"#!/bin/sh\nprintf '%s\\n' '{password}'\n");
            File.SetUnixFileMode(askpass, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            var env = new Dictionary<string, string> { ["SSH_ASKPASS"] = askpass, ["SSH_ASKPASS_REQUIRE"] = "force", ["DISPLAY"] = ":0" };
            var args = Options("-o", "PreferredAuthentications=password", "-o", "PubkeyAuthentication=no", "-o", "NumberOfPasswordPrompts=1");
            byte[] input = System.Text.Encoding.UTF8.GetBytes(string.Join('\n', commands.Append("bye")) + "\n");
            return await ProcessRunner.RunAsync("setsid", ["-w", "sftp", .. args, $"{user}@127.0.0.1"], input, env);
        }

        /// <summary>sftp -b with a key only.</summary>
        public async Task<ProcessRunner.Result> SftpWithKeyAsync(string user, string key, params string[] commands)
        {
            string batch = Path.Combine(_root, "batch-" + Guid.NewGuid().ToString("N")[..8]);
            await File.WriteAllLinesAsync(batch, commands);
            var args = Options("-o", "BatchMode=yes", "-o", "IdentitiesOnly=yes", "-i", key);
            return await ProcessRunner.RunAsync("sftp", ["-b", batch, .. args, $"{user}@127.0.0.1"]);
        }

        public async ValueTask DisposeAsync()
        {
            await _host.StopAsync();
            _host.Dispose();
        }
    }
}
