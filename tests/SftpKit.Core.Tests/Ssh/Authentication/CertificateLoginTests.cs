using SftpKit.Tests.Interop;

namespace SftpKit.Tests.Ssh.Authentication;

/// <summary>
/// A server trusting three CA keys, with alice (TestServer's user, none of the CA-signed keys authorized) and carol
/// (publickey then password), observed by a recording observer behind one that throws.
/// </summary>
public sealed class CertificateLoginFixture : IAsyncLifetime
{
    public const string Carol = "carol";
    public const string CarolPassword = "carol's second factor";

    public CertificateLoginFixture()
    {
        Server = new TestServer
        {
            Configure = o =>
            {
                foreach (var (name, _, _) in CertificateAuthority.CaKeys)
                {
                    o.TrustedUserCaKeys.Add(Ca.PublicLine(name));
                }
                o.Users.Add(new SshUser
                {
                    UserName = Carol,
                    Password = CarolPassword,
                    AuthorizedKeys = { Ca.PublicLine("user_ed25519") },
                    RequiredAuthenticationMethods = { "publickey", "password" },
                });
            },
            ConfigureServer = b => b.AddAuthenticationObserver(new ThrowingObserver()).AddAuthenticationObserver(Observer),
        };
    }

    public CertificateAuthority Ca { get; } = new();

    public RecordingObserver Observer { get; } = new();

    public TestServer Server { get; }

    public async ValueTask InitializeAsync()
    {
        await Ca.CreateKeysAsync();
        await Server.InitializeAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await Server.DisposeAsync();
        Ca.Dispose();
    }
}

/// <summary>OpenSSH ssh logging in with certificates made by ssh-keygen -s, and with publickey then password.</summary>
public sealed class CertificateLoginTests : IClassFixture<CertificateLoginFixture>
{
    private readonly CertificateLoginFixture _fixture;
    private readonly TestServer _server;

    public CertificateLoginTests(CertificateLoginFixture fixture)
    {
        _fixture = fixture;
        _server = fixture.Server;
        fixture.Observer.Clear();
    }

    private Task<ProcessRunner.Result> SshWithKeyAsync(string key, bool certificate = true, string user = TestServer.UserName)
    {
        var args = _server.SshArgs("-o", "BatchMode=yes", "-o", "IdentitiesOnly=yes", "-o", "PreferredAuthentications=publickey", "-i", key);
        args.AddRange(certificate ? ["-o", $"CertificateFile={key}-cert.pub"] : ["-o", "CertificateFile=none"]);
        args.AddRange([$"{user}@127.0.0.1", "echo cert ok"]);
        return ProcessRunner.RunAsync("ssh", args);
    }

    [Theory]
    [InlineData("user_ed25519", "ca_ed25519")]
    [InlineData("user_rsa", "ca_rsa")]
    [InlineData("user_ecdsa", "ca_ecdsa")]
    [InlineData("user_rsa", "ca_ed25519")]
    [InlineData("user_ed25519", "ca_rsa")]
    public async Task Logs_in_with_a_certificate_from_a_trusted_ca(string userKey, string ca)
    {
        string key = await _fixture.Ca.SignAsync($"ok_{userKey}_{ca}", userKey, ca, principals: "alice,someone-else");
        var result = await SshWithKeyAsync(key);
        Assert.True(result.ExitCode == 0, result.StandardError);
        Assert.Equal("cert ok\n", result.Text);
        var success = Assert.Single(_fixture.Observer.Calls, c => c.Succeeded);
        Assert.Equal((TestServer.UserName, "publickey"), (success.UserName, success.Method));
    }

    [Fact]
    public async Task The_same_key_without_its_certificate_is_refused()
    {
        var result = await SshWithKeyAsync(_fixture.Ca.PathOf("user_ed25519"), certificate: false);
        Assert.Equal(255, result.ExitCode);
        Assert.Contains("Permission denied", result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Honours_a_matching_source_address()
    {
        string key = await _fixture.Ca.SignAsync("source_ok", "user_ed25519", "ca_ed25519", "alice", options: "source-address=10.1.0.0/16,127.0.0.0/8");
        var result = await SshWithKeyAsync(key);
        Assert.True(result.ExitCode == 0, result.StandardError);
        Assert.Equal("cert ok\n", result.Text);
    }

    [Theory]
    [InlineData("expired", "ca_ed25519", "alice", "-2d:-1d", "", false, SshAuthFailureReason.AccessDenied)]
    [InlineData("not_yet_valid", "ca_ed25519", "alice", "+1d:+2d", "", false, SshAuthFailureReason.AccessDenied)]
    [InlineData("wrong_principal", "ca_ed25519", "bob,root", "-5m:+1h", "", false, SshAuthFailureReason.InvalidCredentials)]
    [InlineData("no_principals", "ca_ed25519", "", "-5m:+1h", "", false, SshAuthFailureReason.InvalidCredentials)]
    [InlineData("untrusted_ca", "untrusted_ca", "alice", "-5m:+1h", "", false, SshAuthFailureReason.InvalidCredentials)]
    [InlineData("source_mismatch", "ca_rsa", "alice", "-5m:+1h", "source-address=10.9.8.0/24,192.0.2.7", false, SshAuthFailureReason.AccessDenied)]
    [InlineData("force_command", "ca_ed25519", "alice", "-5m:+1h", "force-command=/bin/true", false, SshAuthFailureReason.AccessDenied)]
    [InlineData("verify_required", "ca_ed25519", "alice", "-5m:+1h", "verify-required", false, SshAuthFailureReason.AccessDenied)]
    [InlineData("host_certificate", "ca_ed25519", "alice", "-5m:+1h", "", true, SshAuthFailureReason.InvalidCredentials)]
    public async Task Refuses_certificates_the_server_must_not_accept(string name, string ca, string principals, string validity, string option,
        bool host, SshAuthFailureReason reason)
    {
        string key = await _fixture.Ca.SignAsync(name, "user_ed25519", ca, principals, validity, host, option.Length > 0 ? [option] : []);
        var result = await SshWithKeyAsync(key);
        Assert.Equal(255, result.ExitCode);
        Assert.Empty(result.StandardOutput);
        Assert.Contains("Permission denied", result.StandardError, StringComparison.Ordinal);
        var calls = _fixture.Observer.Calls;
        Assert.DoesNotContain(calls, c => c.Succeeded);
        Assert.Contains(calls, c => c.Method == "publickey" && c.Reason == reason);
    }

    [Fact]
    public async Task Publickey_then_password_logs_in_with_both()
    {
        var result = await CarolAsync(CertificateLoginFixture.CarolPassword, "publickey,password");
        Assert.True(result.ExitCode == 0, result.StandardError);
        Assert.Equal("two steps ok\n", result.Text);
        // The `none` probe is not a failure, the key step is a partial success: one call, the final success.
        var call = Assert.Single(_fixture.Observer.Calls);
        Assert.Equal((CertificateLoginFixture.Carol, "password", true), (call.UserName, call.Method, call.Succeeded));
        Assert.Equal(["publickey"], call.PassedMethods);
    }

    [Fact]
    public async Task Publickey_then_a_wrong_password_is_refused()
    {
        var result = await CarolAsync("not the password", "publickey,password");
        Assert.Equal(255, result.ExitCode);
        Assert.Empty(result.StandardOutput);
        var call = Assert.Single(_fixture.Observer.Calls);
        Assert.Equal(("password", false, SshAuthFailureReason.InvalidCredentials), (call.Method, call.Succeeded, call.Reason));
        Assert.Equal(["publickey"], call.PassedMethods);
    }

    [Fact]
    public async Task The_right_password_alone_is_not_enough()
    {
        var result = await CarolAsync(CertificateLoginFixture.CarolPassword, "password");
        Assert.Equal(255, result.ExitCode);
        Assert.Empty(result.StandardOutput);
        var call = Assert.Single(_fixture.Observer.Calls);
        Assert.Equal(("password", false, SshAuthFailureReason.AccessDenied), (call.Method, call.Succeeded, call.Reason));
    }

    [Fact]
    public async Task Paramiko_sees_partial_success_and_the_remaining_method()
    {
        string script = """
            import sys, paramiko
            t = paramiko.Transport(("127.0.0.1", int(sys.argv[1])))
            t.start_client(timeout=20)
            rest = t.auth_publickey(sys.argv[2], paramiko.Ed25519Key.from_private_key_file(sys.argv[3]))
            print("after key:", ",".join(rest), t.is_authenticated())
            try:
                t.auth_password(sys.argv[2], "wrong")
            except paramiko.AuthenticationException:
                print("wrong password refused")
            rest = t.auth_password(sys.argv[2], sys.argv[4])
            print("after password:", len(rest), t.is_authenticated())
            t.close()
            """;
        string path = Path.Combine(_fixture.Ca.Directory, "multistep.py");
        await File.WriteAllTextAsync(path, script);
        var result = await ProcessRunner.RunAsync("/usr/bin/python3", [path, _server.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            CertificateLoginFixture.Carol, _fixture.Ca.PathOf("user_ed25519"), CertificateLoginFixture.CarolPassword]);
        Assert.True(result.ExitCode == 0, result.StandardError);
        Assert.Equal("after key: password False\nwrong password refused\nafter password: 0 True\n", result.Text);
    }

    [Fact]
    public async Task Changing_the_user_between_steps_ends_the_connection()
    {
        string script = """
            import sys, paramiko
            t = paramiko.Transport(("127.0.0.1", int(sys.argv[1])))
            t.start_client(timeout=20)
            print("after key:", ",".join(t.auth_publickey("carol", paramiko.Ed25519Key.from_private_key_file(sys.argv[2]))))
            try:
                t.auth_password("alice", sys.argv[3])
                print("switched user")
            except (paramiko.SSHException, EOFError):
                print("refused", t.is_active())
            """;
        string path = Path.Combine(_fixture.Ca.Directory, "switch.py");
        await File.WriteAllTextAsync(path, script);
        var result = await ProcessRunner.RunAsync("/usr/bin/python3", [path, _server.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            _fixture.Ca.PathOf("user_ed25519"), TestServer.Password]);
        Assert.True(result.ExitCode == 0, result.StandardError);
        Assert.Equal("after key: password\nrefused False\n", result.Text);
        Assert.DoesNotContain(_fixture.Observer.Calls, c => c.Succeeded);
    }

    private async Task<ProcessRunner.Result> CarolAsync(string password, string methods)
    {
        string askpass = Path.Combine(_fixture.Ca.Directory, "askpass-" + Guid.NewGuid().ToString("N")[..8]);
        await File.WriteAllTextAsync(askpass, $"#!/bin/sh\nprintf '%s\\n' '{password.Replace("'", "'\\''", StringComparison.Ordinal)}'\n");
        File.SetUnixFileMode(askpass, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var args = _server.SshArgs("-o", $"PreferredAuthentications={methods}", "-o", "IdentitiesOnly=yes", "-o", "NumberOfPasswordPrompts=1",
            "-i", _fixture.Ca.PathOf("user_ed25519"), $"{CertificateLoginFixture.Carol}@127.0.0.1", "echo two steps ok");
        var env = new Dictionary<string, string> { ["SSH_ASKPASS"] = askpass, ["SSH_ASKPASS_REQUIRE"] = "force", ["DISPLAY"] = ":0" };
        return await ProcessRunner.RunAsync("setsid", ["-w", "ssh", .. args], environment: env);
    }
}
