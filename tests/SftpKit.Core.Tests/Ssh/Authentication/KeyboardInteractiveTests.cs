using SftpKit.Tests.Interop;

namespace SftpKit.Tests.Ssh.Authentication;

/// <summary>
/// An authenticator with its own keyboard-interactive questions: alice answers her password, then a one-time code;
/// "endless" is asked forever (the server's round limit ends it); "mfa" passes keyboard-interactive only as the
/// first of two steps.
/// </summary>
internal sealed class OneTimeCodeAuthenticator : ISshAuthenticator, ISshKeyboardInteractiveAuthenticator
{
    public const string Code = "246810";

    public ValueTask<SshAuthResult> AuthenticatePasswordAsync(SshAuthContext context, string password, CancellationToken cancellationToken) =>
        ValueTask.FromResult(context.UserName == "mfa" && context.PassedMethods.SequenceEqual(["keyboard-interactive"]) && password == TestServer.Password
            ? SshAuthResult.Success(new SshPrincipal("mfa"))
            : SshAuthResult.Failed);

    public ValueTask<SshAuthResult> AuthenticatePublicKeyAsync(SshAuthContext context, SshPublicKey key, CancellationToken cancellationToken) =>
        ValueTask.FromResult(SshAuthResult.Failed);

    public ValueTask<SshKeyboardInteractiveStep> BeginKeyboardInteractiveAsync(SshAuthContext context, string submethods, CancellationToken cancellationToken)
    {
        var step = context.UserName switch
        {
            "alice" or "mfa" => SshKeyboardInteractiveStep.Ask(new SshKeyboardInteractiveChallenge(
                [new SshKeyboardInteractivePrompt("Password: ", Echo: false)], name: "SftpKit login", state: 1)),
            "endless" => SshKeyboardInteractiveStep.Ask(new SshKeyboardInteractivePrompt("Again: ", Echo: true)),
            _ => SshKeyboardInteractiveStep.Complete(SshAuthResult.Fail(SshAuthFailureReason.UnknownUser)),
        };
        return ValueTask.FromResult(step);
    }

    public ValueTask<SshKeyboardInteractiveStep> ContinueKeyboardInteractiveAsync(SshAuthContext context, SshKeyboardInteractiveChallenge challenge,
        IReadOnlyList<string> answers, CancellationToken cancellationToken)
    {
        var step = (context.UserName, challenge.State) switch
        {
            ("endless", _) => SshKeyboardInteractiveStep.Ask(new SshKeyboardInteractivePrompt("Again: ", Echo: true)),
            (_, 1) when answers[0] != TestServer.Password => SshKeyboardInteractiveStep.Complete(SshAuthResult.Failed),
            ("mfa", 1) => SshKeyboardInteractiveStep.Complete(SshAuthResult.Continue("password")),
            (_, 1) => SshKeyboardInteractiveStep.Ask(new SshKeyboardInteractiveChallenge(
                [new SshKeyboardInteractivePrompt("Verification code: ", Echo: true)], instruction: "Enter the code from your app.", state: 2)),
            (_, 2) when answers[0] == Code => SshKeyboardInteractiveStep.Complete(SshAuthResult.Success(new SshPrincipal(context.UserName))),
            _ => SshKeyboardInteractiveStep.Complete(SshAuthResult.Failed),
        };
        return ValueTask.FromResult(step);
    }
}

public sealed class KeyboardInteractiveFixture : IAsyncLifetime
{
    public KeyboardInteractiveFixture()
    {
        Server = new TestServer { ConfigureServer = b => b.AddAuthenticator<OneTimeCodeAuthenticator>().AddAuthenticationObserver(Observer) };
    }

    public RecordingObserver Observer { get; } = new();

    public TestServer Server { get; }

    public ValueTask InitializeAsync() => Server.InitializeAsync();

    public ValueTask DisposeAsync() => Server.DisposeAsync();
}

/// <summary>asyncssh and OpenSSH answering an authenticator's own keyboard-interactive rounds.</summary>
public sealed class KeyboardInteractiveTests : IClassFixture<KeyboardInteractiveFixture>
{
    // Answers each prompt by its text and prints what it was asked, round by round.
    private const string AsyncsshClient = """
        import sys, asyncio, asyncssh
        port, user, password, code = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
        class Client(asyncssh.SSHClient):
            def kbdint_auth_requested(self):
                return ""
            def kbdint_challenge_received(self, name, instructions, lang, prompts):
                print("round", repr(name), repr(instructions), [(p, e) for p, e in prompts])
                return [password if p.startswith("Password") else code for p, e in prompts]
        async def main():
            try:
                async with asyncssh.connect("127.0.0.1", port=port, username=user, known_hosts=None, client_keys=None, agent_path=None,
                                            preferred_auth="keyboard-interactive,password", password=password,
                                            client_factory=Client) as conn:
                    r = await conn.run("echo kbd ok")
                    print(r.stdout.strip())
            except asyncssh.PermissionDenied:
                print("denied")
        asyncio.run(main())
        """;

    private readonly KeyboardInteractiveFixture _fixture;

    public KeyboardInteractiveTests(KeyboardInteractiveFixture fixture)
    {
        _fixture = fixture;
        fixture.Observer.Clear();
    }

    private async Task<string[]> AsyncsshAsync(string user, string password, string code)
    {
        string path = Path.Combine(_fixture.Server.Directory, "kbdint-" + Guid.NewGuid().ToString("N")[..8] + ".py");
        await File.WriteAllTextAsync(path, AsyncsshClient);
        var result = await ProcessRunner.RunAsync("/usr/bin/python3",
            [path, _fixture.Server.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), user, password, code]);
        Assert.True(result.ExitCode == 0, result.StandardError);
        return result.Text.TrimEnd('\n').Split('\n');
    }

    [Fact]
    public async Task Asks_a_one_time_code_after_the_password()
    {
        var lines = await AsyncsshAsync("alice", TestServer.Password, OneTimeCodeAuthenticator.Code);
        Assert.Equal(
        [
            "round 'SftpKit login' '' [('Password: ', False)]",
            "round '' 'Enter the code from your app.' [('Verification code: ', True)]",
            "kbd ok",
        ], lines);
        var call = Assert.Single(_fixture.Observer.Calls);
        Assert.Equal(("alice", "keyboard-interactive", true), (call.UserName, call.Method, call.Succeeded));
    }

    [Fact]
    public async Task Refuses_a_wrong_code()
    {
        var lines = await AsyncsshAsync("alice", TestServer.Password, "000000");
        Assert.Equal("denied", lines[^1]);
        Assert.Contains(_fixture.Observer.Calls, c => c.Method == "keyboard-interactive" && c.Reason == SshAuthFailureReason.InvalidCredentials);
        Assert.DoesNotContain(_fixture.Observer.Calls, c => c.Succeeded);
    }

    [Fact]
    public async Task Refuses_a_wrong_password_without_asking_for_the_code()
    {
        var lines = await AsyncsshAsync("alice", "wrong", OneTimeCodeAuthenticator.Code);
        Assert.Equal("denied", lines[^1]);
        Assert.DoesNotContain(lines, l => l.Contains("Verification code", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Ends_a_conversation_after_the_round_limit()
    {
        var lines = await AsyncsshAsync("endless", "x", "y");
        Assert.Equal("denied", lines[^1]);
        // Each keyboard-interactive attempt gets MaxRounds rounds; asyncssh may retry the method, so count per attempt.
        int rounds = lines.Count(l => l.StartsWith("round", StringComparison.Ordinal));
        Assert.True(rounds > 0 && rounds % SshKeyboardInteractiveChallenge.MaxRounds == 0, string.Join('\n', lines));
        Assert.All(_fixture.Observer.Calls, c => Assert.False(c.Succeeded));
    }

    [Fact]
    public async Task Keyboard_interactive_then_password_is_two_steps()
    {
        var lines = await AsyncsshAsync("mfa", TestServer.Password, "unused");
        Assert.Equal(["round 'SftpKit login' '' [('Password: ', False)]", "kbd ok"], lines);
        var call = Assert.Single(_fixture.Observer.Calls);
        Assert.Equal(("mfa", "password", true), (call.UserName, call.Method, call.Succeeded));
        Assert.Equal(["keyboard-interactive"], call.PassedMethods);
    }

    [Fact]
    public async Task OpenSsh_answers_both_rounds_through_askpass()
    {
        // ssh hands each prompt to SSH_ASKPASS as its argument; the script answers by prompt.
        string askpass = Path.Combine(_fixture.Server.Directory, "askpass-otp");
        await File.WriteAllTextAsync(askpass,
            $"#!/bin/sh\ncase \"$1\" in *Verification*) echo '{OneTimeCodeAuthenticator.Code}' ;; *) printf '%s\\n' '{TestServer.Password}' ;; esac\n");
        File.SetUnixFileMode(askpass, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var args = _fixture.Server.SshArgs("-o", "PreferredAuthentications=keyboard-interactive", "-o", "PubkeyAuthentication=no",
            "-o", "NumberOfPasswordPrompts=1", "alice@127.0.0.1", "echo otp ok");
        var env = new Dictionary<string, string> { ["SSH_ASKPASS"] = askpass, ["SSH_ASKPASS_REQUIRE"] = "force", ["DISPLAY"] = ":0" };
        var result = await ProcessRunner.RunAsync("setsid", ["-w", "ssh", .. args], environment: env);
        Assert.True(result.ExitCode == 0, result.StandardError);
        Assert.Equal("otp ok\n", result.Text);
    }
}
