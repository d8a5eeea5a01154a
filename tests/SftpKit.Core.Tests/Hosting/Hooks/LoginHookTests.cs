using System.Text.Json;
using SftpKit.Accounts;

namespace SftpKit.Tests.Hosting.Hooks;

/// <summary>
/// The pre-login, check-password and keyboard-interactive hooks with SFTPGo's contracts, driven by OpenSSH sftp and
/// paramiko against hooks served over HTTP in the test or written in shell.
/// </summary>
public sealed class LoginHookTests : IAsyncDisposable
{
    private readonly HookLoginHost _host = new();
    private HookHttpServer? _hook;

    /// <summary>paramiko logging in with keyboard-interactive, answering each prompt from the list in order; prints the prompts and "ok" or "failed".</summary>
    private const string ParamikoKeyboardInteractive = """
        import sys, paramiko
        port, user = int(sys.argv[1]), sys.argv[2]
        answers = sys.argv[3:]
        asked = []
        def handler(title, instructions, prompts):
            out = []
            for text, echo in prompts:
                asked.append(text.strip() + ("(echo)" if echo else ""))
                out.append(answers.pop(0) if answers else "")
            return out
        t = paramiko.Transport(("127.0.0.1", port))
        t.start_client(timeout=20)
        try:
            t.auth_interactive(user, handler)
            sftp = paramiko.SFTPClient.from_transport(t)
            sftp.listdir(".")
            print("|".join(asked), "ok")
        except paramiko.AuthenticationException:
            print("|".join(asked), "failed")
        t.close()
        """;

    [Fact]
    public async Task Pre_login_hook_creates_the_user_just_in_time_then_the_password_is_checked()
    {
        string home = _host.PathOf("jit-home");
        _hook = new HookHttpServer(request =>
        {
            var user = request.Json;
            // 204 = no change for everyone but the new user, who does not exist yet (id 0).
            if (user.GetProperty("username").GetString() != "newcomer" || user.GetProperty("id").GetInt32() != 0)
            {
                return Task.FromResult((204, ""));
            }
            return Task.FromResult((200, JsonSerializer.Serialize(new
            {
                status = 1,
                username = "newcomer",
                home_dir = home,
                password = "welcome",
                permissions = new Dictionary<string, string[]> { ["/"] = ["*"] },
            })));
        });
        await _host.StartAsync(o => o.PreLoginHook = _hook.Url("/prelogin"));
        await File.WriteAllTextAsync(_host.PathOf("upload.txt"), "jit");

        var wrong = await _host.SftpWithPasswordAsync("newcomer", "not it", "pwd");
        Assert.True(wrong.ExitCode != 0);
        var stored = await _host.Store.FindAsync("newcomer", CancellationToken.None);
        Assert.NotNull(stored); // created by the hook, its plain password stored hashed
        Assert.StartsWith("$argon2id$", stored.PasswordHash, StringComparison.Ordinal);
        var right = await _host.SftpWithPasswordAsync("newcomer", "welcome", $"put {_host.PathOf("upload.txt")} /u.txt");
        Assert.True(right.ExitCode == 0, right.StandardError);
        Assert.Equal("jit", await File.ReadAllTextAsync(Path.Combine(home, "u.txt")));
        var first = _hook.Requests.First();
        Assert.Equal("/prelogin", first.Path);
        Assert.Contains("login_method=password", first.Query, StringComparison.Ordinal);
        Assert.Contains("ip=127.0.0.1", first.Query, StringComparison.Ordinal);
        Assert.Contains("protocol=SSH", first.Query, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Pre_login_hook_failure_denies_the_login()
    {
        string home = _host.PathOf("denied-home");
        string script = await _host.ScriptAsync("prelogin.sh", """
            #!/bin/sh
            exit 1
            """);
        await _host.StartAsync(o => o.PreLoginHook = script,
            new SftpAccount { UserName = "denied", HomeDirectory = home, PasswordHash = SftpPasswordHasher.Hash("pw") });
        var result = await _host.SftpWithPasswordAsync("denied", "pw", "pwd");
        Assert.True(result.ExitCode != 0);
        Assert.Contains("Permission denied", result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Check_password_hook_verifies_a_code_and_hands_the_fixed_part_to_the_store()
    {
        string home = _host.PathOf("otp-home");
        // password+OTP: the hook checks the 6-digit suffix and asks for the rest to be checked (status 2).
        string script = await _host.ScriptAsync("checkpwd.sh", """
            #!/bin/sh
            case "$SFTPGO_AUTHD_PASSWORD" in
              *123456) echo "{\"status\":2,\"to_verify\":\"${SFTPGO_AUTHD_PASSWORD%123456}\"}" ;;
              letmein) echo '{"status":1}' ;;
              *) echo '{"status":0}' ;;
            esac
            """);
        await _host.StartAsync(o => o.CheckPasswordHook = script,
            new SftpAccount { UserName = "otp", HomeDirectory = home, PasswordHash = SftpPasswordHasher.Hash("fixed") });

        Assert.True((await _host.SftpWithPasswordAsync("otp", "fixed123456", "pwd")) is { ExitCode: 0 } ok, "fixed+code");
        Assert.True((await _host.SftpWithPasswordAsync("otp", "fixed", "pwd")).ExitCode != 0, "the fixed part alone passed");
        Assert.True((await _host.SftpWithPasswordAsync("otp", "wrong123456", "pwd")).ExitCode != 0, "a wrong fixed part passed");
        Assert.True((await _host.SftpWithPasswordAsync("otp", "letmein", "pwd")).ExitCode == 0, "status 1 was refused");
    }

    [Fact]
    public async Task Keyboard_interactive_http_hook_runs_rounds_with_a_checked_password()
    {
        string home = _host.PathOf("ki-home");
        _hook = new HookHttpServer(request =>
        {
            var body = request.Json;
            int step = body.GetProperty("step").GetInt32();
            string answer = step switch
            {
                1 => """{"questions":["Password: "],"check_password":1,"instruction":"Sample","echos":[false]}""",
                2 when body.GetProperty("answers")[0].GetString() == "OK" => """{"questions":["Question2: ","Question3: "],"instruction":"","echos":[true,false]}""",
                3 when body.GetProperty("answers")[1].GetString() == "answer3" => """{"auth_result":1}""",
                _ => """{"auth_result":-1}""",
            };
            return Task.FromResult((200, answer));
        });
        await _host.StartAsync(o => o.KeyboardInteractiveHook = _hook.Url("/ki"),
            new SftpAccount { UserName = "ki", HomeDirectory = home, PasswordHash = SftpPasswordHasher.Hash("kipw") });

        var ok = await _host.ParamikoAsync(ParamikoKeyboardInteractive, "ki", "kipw", "answer2", "answer3");
        Assert.True(ok.ExitCode == 0, ok.StandardError);
        Assert.Equal("Password:|Question2:(echo)|Question3: ok", ok.Text.Trim());
        var requests = _hook.Requests.ToArray();
        Assert.Equal(3, requests.Length);
        Assert.Equal(requests[0].Json.GetProperty("request_id").GetString(), requests[2].Json.GetProperty("request_id").GetString());
        Assert.Equal(JsonValueKind.Null, requests[0].Json.GetProperty("answers").ValueKind);
        Assert.StartsWith("$argon2id$", requests[0].Json.GetProperty("password").GetString(), StringComparison.Ordinal);
        Assert.Equal("Question2: ", requests[2].Json.GetProperty("questions")[0].GetString());

        var wrongPassword = await _host.ParamikoAsync(ParamikoKeyboardInteractive, "ki", "nope", "answer2", "answer3");
        Assert.EndsWith("failed", wrongPassword.Text.Trim(), StringComparison.Ordinal);
        var wrongAnswer = await _host.ParamikoAsync(ParamikoKeyboardInteractive, "ki", "kipw", "answer2", "nope");
        Assert.EndsWith("failed", wrongAnswer.Text.Trim(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Keyboard_interactive_program_hook_reads_answers_from_its_input()
    {
        string home = _host.PathOf("kip-home");
        // SFTPGo's documented sample program.
        string script = await _host.ScriptAsync("ki.sh", """
            #!/bin/sh
            echo '{"questions":["Question1: ","Question2: "],"instruction":"This is a sample for keyboard interactive authentication","echos":[true,false]}'
            read ANSWER1
            read ANSWER2
            echo '{"questions":["Question3: "],"instruction":"","echos":[true]}'
            read ANSWER3
            if test "$ANSWER3" = "answer3"; then
              echo '{"auth_result":1}'
            else
              echo '{"auth_result":-1}'
            fi
            """);
        await _host.StartAsync(o => o.KeyboardInteractiveHook = script, new SftpAccount { UserName = "kip", HomeDirectory = home });

        var ok = await _host.ParamikoAsync(ParamikoKeyboardInteractive, "kip", "a1", "a2", "answer3");
        Assert.True(ok.ExitCode == 0, ok.StandardError);
        Assert.Equal("Question1:(echo)|Question2:|Question3:(echo) ok", ok.Text.Trim());
        var refused = await _host.ParamikoAsync(ParamikoKeyboardInteractive, "kip", "a1", "a2", "wrong");
        Assert.EndsWith("failed", refused.Text.Trim(), StringComparison.Ordinal);
    }

    public async ValueTask DisposeAsync()
    {
        await _host.DisposeAsync();
        if (_hook is not null)
        {
            await _hook.DisposeAsync();
        }
    }
}
