using Renci.SshNet;
using Renci.SshNet.Common;
using SftpKit.Tests.Interop;

namespace SftpKit.Tests.Accounts;

/// <summary>
/// Users configured with hashes imported from other systems log in over SSH with real clients (OpenSSH ssh and
/// SSH.NET): the built-in authenticator verifies every supported format.
/// </summary>
public sealed class ImportedPasswordHashLoginTests : IClassFixture<ImportedPasswordHashLoginTests.Server>
{
    private readonly Server _server;

    public ImportedPasswordHashLoginTests(Server server) => _server = server;

    /// <summary>Users by name: (stored hash, password). Hashes written by python bcrypt, glibc crypt, openssl, argon2-cffi.</summary>
    public static readonly Dictionary<string, (string Hash, string Password)> Users = new()
    {
        ["bcrypt"] = ("$2b$05$abcdefghijklmnopqrstuuHNbAKRhpaujgo33bRWs.NLUTJO3lOy2", "correct horse"),
        ["sha512crypt"] = ("$6$rounds=1000$short$NbY4zv1ObFbXRwnZ0iSmIpTfEbR29ICwEWfVq0ZXqcc/IRkA9tY1ayiuvaWTD2HvpNa.U6dnHnS1tCmHNcevx1", "pässwörd✓"),
        ["sftpgo-pbkdf2"] = ("$pbkdf2-sha256$150000$E86a9YMX3zC7$R5J62hsSq+pYw00hLLPKBbcGXmq7fj5+/M0IFoYtZbo=", "password"),
        ["apr1"] = ("$apr1$Apr1Salt$oLr0NmClHr452535xWSJq.", "correct horse"),
        ["argon2id"] = ("$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0c2FsdA$AdweBLwcflnNX2HVW8i1Mtu7frrn4Ki7h/rYSGuU7Is", "correct horse"),
    };

    public static TheoryData<string> UserNames => new(Users.Keys);

    [Theory]
    [MemberData(nameof(UserNames))]
    public void SshNet_LogsIn_WithImportedHash(string user)
    {
        var (_, password) = Users[user];
        using var client = Connect(user, password);
        client.Connect();
        using var command = client.RunCommand("echo imported ok");
        Assert.Equal("imported ok\n", command.Result);
    }

    [Theory]
    [MemberData(nameof(UserNames))]
    public void SshNet_IsRefused_WithWrongPassword(string user)
    {
        var (_, password) = Users[user];
        using var client = Connect(user, password + " ");
        Assert.Throws<SshAuthenticationException>(client.Connect);
    }

    [Fact]
    public void SshNet_IsRefused_ForUnknownUser()
    {
        using var client = Connect("nobody", "correct horse");
        Assert.Throws<SshAuthenticationException>(client.Connect);
    }

    [Fact]
    public async Task OpenSsh_LogsIn_WithImportedSha512Crypt()
    {
        var ok = await _server.Inner.SshWithPasswordAsync("echo openssh imported ok", "correct horse");
        Assert.True(ok.ExitCode == 0, ok.StandardError);
        Assert.Equal("openssh imported ok\n", ok.Text);

        var refused = await _server.Inner.SshWithPasswordAsync("echo should not run", "correct horsE");
        Assert.NotEqual(0, refused.ExitCode);
        Assert.DoesNotContain("should not run", refused.Text, StringComparison.Ordinal);
    }

    private SshClient Connect(string user, string password)
    {
        var client = new SshClient(new ConnectionInfo("127.0.0.1", _server.Inner.Port, user, new PasswordAuthenticationMethod(user, password)));
        client.HostKeyReceived += (_, e) => e.CanTrust = true;
        return client;
    }

    /// <summary>The shared test server with the imported users, and its own user alice given a sha512crypt hash.</summary>
    public sealed class Server : IAsyncLifetime
    {
        public TestServer Inner { get; } = new()
        {
            Configure = o =>
            {
                var alice = o.Users.Single(u => u.UserName == TestServer.UserName);
                alice.Password = null;
                alice.PasswordHash = "$6$saltstring$.r0X7ub5wGR2v4Xz7svCIozfnlorFh19V89t8KC9Umd81uGhFgsyTRNyzQDXDIm17fFcR9z3z7oBNdsyYBbtm/";
                foreach (var (name, (hash, _)) in Users)
                {
                    o.Users.Add(new SshUser { UserName = name, PasswordHash = hash });
                }
            },
        };

        public ValueTask InitializeAsync() => Inner.InitializeAsync();

        public ValueTask DisposeAsync() => Inner.DisposeAsync();
    }
}
