using System.Globalization;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using SftpKit.Accounts;

namespace SftpKit.Tests.Interop;

/// <summary>
/// The account store's second factor and access tokens over SSH, with OpenSSH sftp and paramiko as clients and
/// oathtool (Debian) as the independent TOTP generator; the server runs on the real clock.
/// </summary>
public sealed class TwoFactorFixture : IAsyncLifetime
{
    public const string Secret = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";

    public TwoFactorFixture()
    {
        Server = new TestServer
        {
            Configure = o =>
            {
                // The defender scores failed codes; a high threshold keeps the test host from being banned.
                o.Defender.Enabled = true;
                o.Defender.Threshold = 100_000;
            },
            ConfigureServer = b => b.AddSftp().AddInMemoryUserStore(
                Account("sftp-otp"), Account("paramiko-otp"), Account("replay-otp"), Account("wrong-otp"), Account("password-otp"),
                Account("recovery-otp"), Account("key-otp", ["publickey", "keyboard-interactive"]), Account("tokens")),
        };
    }

    public TestServer Server { get; }

    public SftpCredentials Credentials => Server.Services.GetRequiredService<SftpCredentials>();

    private SftpAccount Account(string name, string[]? steps = null) => new()
    {
        UserName = name,
        PasswordHash = SftpPasswordHasher.Hash(TestServer.Password),
        FileSystem = new SftpFileSystemConfig { Provider = "memory", Root = name },
        PublicKeys = steps is null ? [] : Server.ClientKeys.Values.Select(k => File.ReadAllText(k + ".pub").Trim()).ToList(),
        RequiredLoginSteps = steps ?? [],
    };

    public async ValueTask InitializeAsync()
    {
        await Server.InitializeAsync();
        // Enrolled straight into the store: enrolling through SftpCredentials would spend the current step's code.
        foreach (string name in new[] { "sftp-otp", "paramiko-otp", "replay-otp", "wrong-otp", "password-otp", "recovery-otp", "key-otp" })
        {
            await Credentials.Store.SetTotpAsync(new SftpTotpConfig
            {
                OwnerKind = SftpCredentialOwnerKind.User, OwnerName = name, Secret = Secret, Protocols = [SftpTotpProtocols.Ssh],
            }, CancellationToken.None);
        }
    }

    public ValueTask DisposeAsync() => Server.DisposeAsync();
}

public sealed class TwoFactorOpenSshTests : IClassFixture<TwoFactorFixture>
{
    private readonly TwoFactorFixture _fixture;

    public TwoFactorOpenSshTests(TwoFactorFixture fixture) => _fixture = fixture;

    private TestServer Server => _fixture.Server;

    /// <summary>The current code of the fixture's secret from oathtool, optionally for a later time.</summary>
    internal static async Task<string> OathtoolAsync(string secret, string? when = null)
    {
        string tool = Requires.Tool("oathtool", "apt-get install oathtool");
        var args = new List<string> { "--totp", "-b", secret };
        if (when is not null)
        {
            args.AddRange(["-N", when]);
        }
        var result = await ProcessRunner.RunAsync(tool, args);
        Assert.True(result.ExitCode == 0, result.StandardError);
        return result.Text.Trim();
    }

    /// <summary>OpenSSH sftp logging in as <paramref name="user"/> with keyboard-interactive, SSH_ASKPASS answering by prompt.</summary>
    private async Task<ProcessRunner.Result> SftpAsync(string user, string password, string? code, string methods = "keyboard-interactive",
        bool publicKey = false)
    {
        string askpass = Path.Combine(Server.Directory, "askpass-" + Guid.NewGuid().ToString("N")[..8]);
        await File.WriteAllTextAsync(askpass,
            $"#!/bin/sh\ncase \"$1\" in *code*) printf '%s\\n' '{code}' ;; *) printf '%s\\n' '{password}' ;; esac\n");
        File.SetUnixFileMode(askpass, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var args = Server.SshArgs("-o", $"PreferredAuthentications={methods}", "-o", "NumberOfPasswordPrompts=1",
            "-o", "KbdInteractiveAuthentication=yes");
        args[0] = "-P"; // sftp's port option
        if (publicKey)
        {
            args.AddRange(["-o", "IdentitiesOnly=yes", "-i", Server.ClientKeys["ed25519"]]);
        }
        else
        {
            args.AddRange(["-o", "PubkeyAuthentication=no"]);
        }
        args.Add($"{user}@127.0.0.1");
        var env = new Dictionary<string, string> { ["SSH_ASKPASS"] = askpass, ["SSH_ASKPASS_REQUIRE"] = "force", ["DISPLAY"] = ":0" };
        return await ProcessRunner.RunAsync("setsid", ["-w", "sftp", .. args], "pwd\nbye\n"u8.ToArray(), env);
    }

    private static void AssertLoggedIn(ProcessRunner.Result result) =>
        Assert.True(result.ExitCode == 0 && result.Text.Contains("Remote working directory", StringComparison.Ordinal),
            $"exit {result.ExitCode}: {result.Text}\n{result.StandardError}");

    private static void AssertRefused(ProcessRunner.Result result) =>
        Assert.True(result.ExitCode != 0 && !result.Text.Contains("Remote working directory", StringComparison.Ordinal),
            $"exit {result.ExitCode}: {result.Text}\n{result.StandardError}");

    [Fact]
    public async Task OpenSsh_sftp_logs_in_with_password_and_code_through_keyboard_interactive()
    {
        string code = await OathtoolAsync(TwoFactorFixture.Secret);
        AssertLoggedIn(await SftpAsync("sftp-otp", TestServer.Password, code));
    }

    [Fact]
    public async Task A_replayed_code_is_refused_and_a_later_one_accepted()
    {
        string code = await OathtoolAsync(TwoFactorFixture.Secret);
        AssertLoggedIn(await SftpAsync("replay-otp", TestServer.Password, code));
        AssertRefused(await SftpAsync("replay-otp", TestServer.Password, code));
        // The next step's code is within the ±1 step the server accepts, and newer than the one used.
        string next = await OathtoolAsync(TwoFactorFixture.Secret, "now + 30 seconds");
        AssertLoggedIn(await SftpAsync("replay-otp", TestServer.Password, next));
    }

    [Fact]
    public async Task A_wrong_code_is_refused_and_scored_by_the_defender()
    {
        var defender = Server.Services.GetRequiredService<ISftpDefender>();
        int before = (await defender.GetHostAsync(IPAddress.Loopback))?.Score ?? 0;
        string code = await OathtoolAsync(TwoFactorFixture.Secret);
        string wrong = ((int.Parse(code, CultureInfo.InvariantCulture) + 500_000) % 1_000_000).ToString("D6", CultureInfo.InvariantCulture);
        AssertRefused(await SftpAsync("wrong-otp", TestServer.Password, wrong));
        int after = (await defender.GetHostAsync(IPAddress.Loopback))?.Score ?? 0;
        Assert.True(after > before, $"score {before} -> {after}");
    }

    [Fact]
    public async Task The_password_method_alone_is_refused_when_the_second_factor_applies_to_ssh()
    {
        var result = await SftpAsync("password-otp", TestServer.Password, code: null, methods: "password");
        AssertRefused(result);
    }

    [Fact]
    public async Task A_recovery_code_stands_in_for_the_code_once()
    {
        var codes = await _fixture.Credentials.RegenerateRecoveryCodesAsync(SftpCredentialOwner.User("recovery-otp"));
        Assert.NotNull(codes);
        Assert.Equal(SftpCredentials.RecoveryCodeCount, codes.Count);
        AssertLoggedIn(await SftpAsync("recovery-otp", TestServer.Password, codes[0]));
        AssertRefused(await SftpAsync("recovery-otp", TestServer.Password, codes[0]));
    }

    [Fact]
    public async Task Public_key_then_keyboard_interactive_asks_only_for_the_code()
    {
        string code = await OathtoolAsync(TwoFactorFixture.Secret);
        // A wrong password would be answered to a Password prompt; only the code prompt may be asked.
        AssertLoggedIn(await SftpAsync("key-otp", "not-the-password", code, methods: "publickey,keyboard-interactive", publicKey: true));
    }

    [Fact]
    public async Task Paramiko_answers_password_and_code_with_an_auth_handler()
    {
        string code = await OathtoolAsync(TwoFactorFixture.Secret);
        string script = """
            import sys, paramiko
            port, user, password, code = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
            asked = []
            def handler(title, instructions, prompts):
                asked.extend(p for p, e in prompts)
                return [password if p.startswith("Password") else code for p, e in prompts]
            t = paramiko.Transport(("127.0.0.1", port))
            t.start_client()
            t.auth_interactive(user, handler)
            sftp = paramiko.SFTPClient.from_transport(t)
            print("|".join(asked))
            print(sftp.normalize("."))
            t.close()
            """;
        string path = Path.Combine(Server.Directory, "paramiko-otp.py");
        await File.WriteAllTextAsync(path, script);
        var result = await ProcessRunner.RunAsync("/usr/bin/python3",
            [path, Server.Port.ToString(CultureInfo.InvariantCulture), "paramiko-otp", TestServer.Password, code]);
        Assert.True(result.ExitCode == 0, result.StandardError);
        Assert.Equal(["Password: |Authentication code: ", "/"], result.Text.TrimEnd('\n').Split('\n'));
    }

    [Fact]
    public async Task A_token_logs_in_as_the_password_until_revoked()
    {
        var (token, secret) = await _fixture.Credentials.CreateTokenAsync(SftpCredentialOwner.User("tokens"), "laptop",
            DateTimeOffset.UtcNow.AddDays(1), SftpAccessTokenScopes.Ssh);
        AssertLoggedIn(await SftpAsync("tokens", secret, code: null, methods: "password"));
        AssertLoggedIn(await SftpAsync("tokens", secret, code: null, methods: "keyboard-interactive"));
        Assert.NotNull((await _fixture.Credentials.Store.FindTokenAsync(token.Id, CancellationToken.None))!.LastUseAt);
        Assert.True(await _fixture.Credentials.Store.DeleteTokenAsync(token.Id, CancellationToken.None));
        AssertRefused(await SftpAsync("tokens", secret, code: null, methods: "password"));
    }

    [Fact]
    public async Task An_expired_token_or_one_without_the_ssh_scope_is_refused()
    {
        var store = _fixture.Credentials.Store;
        var (token, secret) = await _fixture.Credentials.CreateTokenAsync(SftpCredentialOwner.User("tokens"), "short",
            DateTimeOffset.UtcNow.AddHours(1), SftpAccessTokenScopes.Ssh);
        await store.DeleteTokenAsync(token.Id, CancellationToken.None);
        token.ExpiresAt = DateTimeOffset.UtcNow.AddSeconds(-1);
        await store.CreateTokenAsync(token, CancellationToken.None);
        AssertRefused(await SftpAsync("tokens", secret, code: null, methods: "password"));

        var (_, webOnly) = await _fixture.Credentials.CreateTokenAsync(SftpCredentialOwner.User("tokens"), "web only",
            null, SftpAccessTokenScopes.Web);
        AssertRefused(await SftpAsync("tokens", webOnly, code: null, methods: "password"));
        // Another account's token is refused too.
        var (_, other) = await _fixture.Credentials.CreateTokenAsync(SftpCredentialOwner.User("sftp-otp"), "other", null, SftpAccessTokenScopes.Ssh);
        AssertRefused(await SftpAsync("tokens", other, code: null, methods: "password"));
    }
}
