using System.Diagnostics;
using System.Text.Json;
using SftpKit.Accounts;

namespace SftpKit.Tests.Hosting.Hooks;

/// <summary>
/// The external auth hook with SFTPGo's contract, driven by real clients: an HTTP hook served by a small server in the
/// test and a shell program hook; a user that exists only in the hook's answer logs in over OpenSSH sftp and lands in
/// the home directory the hook named; a refusal is a normal authentication failure; a hook that hangs past its timeout
/// fails the login in bounded time while other logins go on.
/// </summary>
public sealed class ExternalAuthHookTests : IAsyncDisposable
{
    private readonly HookLoginHost _host = new();
    private HookHttpServer? _hook;

    /// <summary>The format's user object for <paramref name="user"/> with the given home directory.</summary>
    private static string UserJson(string user, string home, params string[] publicKeys) => JsonSerializer.Serialize(new Dictionary<string, object>
    {
        ["status"] = 1,
        ["username"] = user,
        ["expiration_date"] = 0,
        ["home_dir"] = home,
        ["uid"] = 0,
        ["gid"] = 0,
        ["max_sessions"] = 0,
        ["quota_size"] = 0,
        ["quota_files"] = 100000,
        ["permissions"] = new Dictionary<string, string[]> { ["/"] = ["*"], ["/readonly"] = ["list", "download"] },
        ["upload_bandwidth"] = 0,
        ["download_bandwidth"] = 0,
        ["filters"] = new Dictionary<string, string[]> { ["allowed_ip"] = [], ["denied_ip"] = [] },
        ["public_keys"] = publicKeys,
    });

    [Fact]
    public async Task Http_hook_user_logs_in_over_openssh_with_its_key_and_lands_in_the_hooks_home()
    {
        string home = _host.PathOf("hooked-home");
        _hook = new HookHttpServer(request =>
        {
            var body = request.Json;
            bool known = body.GetProperty("username").GetString() == "hooked"
                && body.GetProperty("public_key").GetString() is { Length: > 0 } key
                && _host.ClientPublicKey.StartsWith(key, StringComparison.Ordinal)
                && body.GetProperty("protocol").GetString() == "SSH"
                && body.GetProperty("ip").GetString() == "127.0.0.1";
            return Task.FromResult(known ? (200, UserJson("hooked", home)) : (200, """{"username":""}"""));
        });
        await _host.StartAsync(o => o.ExternalAuthHook = _hook.Url("/auth"));
        await File.WriteAllTextAsync(_host.PathOf("upload.txt"), "from the client");

        var result = await _host.SftpWithKeyAsync("hooked", "pwd", $"put {_host.PathOf("upload.txt")} /arrived.txt", "mkdir /readonly");
        Assert.True(result.ExitCode == 0, result.StandardError);
        Assert.Contains("Remote working directory: /", result.Text, StringComparison.Ordinal);
        Assert.Equal("from the client", await File.ReadAllTextAsync(Path.Combine(home, "arrived.txt")));
        // The hook's account is created in the store, as the format says, and its permissions apply.
        var stored = await _host.Store.FindAsync("hooked", CancellationToken.None);
        Assert.NotNull(stored);
        Assert.Equal(home, stored.HomeDirectory);
        var readOnly = await _host.SftpWithKeyAsync("hooked", $"put {_host.PathOf("upload.txt")} /readonly/x.txt");
        Assert.True(readOnly.ExitCode != 0, "an upload into the hook's read-only folder succeeded");
        // The user field carries the stored account on the next call (a stable non-zero id).
        Assert.Contains(_hook.Requests, r => r.Json.TryGetProperty("user", out var u) && u.GetProperty("id").GetInt32() != 0);
    }

    [Fact]
    public async Task Hooks_refusal_is_a_normal_authentication_failure()
    {
        _hook = new HookHttpServer(request => Task.FromResult(request.Json.GetProperty("username").GetString() == "forbidden"
            ? (200, """{"username":""}""")
            : (403, "")));
        await _host.StartAsync(o => o.ExternalAuthHook = _hook.Url("/auth"));

        var refused = await _host.SftpWithKeyAsync("forbidden", "pwd");
        Assert.True(refused.ExitCode != 0);
        Assert.Contains("Permission denied", refused.StandardError, StringComparison.Ordinal);
        var forbidden = await _host.SftpWithKeyAsync("other", "pwd");
        Assert.True(forbidden.ExitCode != 0);
        Assert.Contains("Permission denied", forbidden.StandardError, StringComparison.Ordinal);
        Assert.Null(await _host.Store.FindAsync("forbidden", CancellationToken.None));
    }

    [Fact]
    public async Task A_hook_that_hangs_fails_the_login_in_bounded_time_and_other_logins_work()
    {
        string home = _host.PathOf("quick-home");
        _hook = new HookHttpServer(async request =>
        {
            if (request.Json.GetProperty("username").GetString() == "slow")
            {
                await Task.Delay(Timeout.Infinite, _hook!.Stopping);
            }
            return (200, UserJson("quick", home));
        });
        await _host.StartAsync(o =>
        {
            o.ExternalAuthHook = _hook.Url("/auth");
            o.HookTimeout = TimeSpan.FromSeconds(2);
        });

        var watch = Stopwatch.StartNew();
        var slow = _host.SftpWithKeyAsync("slow", "pwd");
        // While the slow login waits on its hook, another login goes through.
        var quick = await _host.SftpWithKeyAsync("quick", "pwd");
        Assert.True(quick.ExitCode == 0, quick.StandardError);
        var slowResult = await slow;
        Assert.True(slowResult.ExitCode != 0);
        Assert.Contains("Permission denied", slowResult.StandardError, StringComparison.Ordinal);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(30), $"the hanging hook held the login for {watch.Elapsed}");
        // And after it, too.
        var after = await _host.SftpWithKeyAsync("quick", "pwd");
        Assert.True(after.ExitCode == 0, after.StandardError);
    }

    [Fact]
    public async Task Program_hook_in_shell_decides_a_password_login_from_its_environment()
    {
        string home = _host.PathOf("shell-home");
        // SFTPGo's documented example, checking the password too; the environment is cleared but for the hook's variables.
        string script = await _host.ScriptAsync("auth-hook.sh", $$"""
            #!/bin/sh
            if test "$SFTPGO_AUTHD_USERNAME" = "shelluser" && test "$SFTPGO_AUTHD_PASSWORD" = "s3cret pass" && test "$SFTPGO_AUTHD_PROTOCOL" = "SSH" && test -z "$HOME"; then
              echo '{"status":1,"username":"shelluser","expiration_date":0,"home_dir":"{{home}}","uid":0,"gid":0,"max_sessions":0,"quota_size":0,"quota_files":100000,"permissions":{"/":["*"],"/somedir":["list","download"]},"upload_bandwidth":0,"download_bandwidth":0,"filters":{"allowed_ip":[],"denied_ip":[]},"public_keys":[]}'
            else
              echo '{"username":""}'
            fi
            """);
        await _host.StartAsync(o => o.ExternalAuthHook = script);
        await File.WriteAllTextAsync(_host.PathOf("upload.txt"), "via the shell hook");

        var result = await _host.SftpWithPasswordAsync("shelluser", "s3cret pass", $"put {_host.PathOf("upload.txt")} /in.txt");
        Assert.True(result.ExitCode == 0, result.StandardError);
        Assert.Equal("via the shell hook", await File.ReadAllTextAsync(Path.Combine(home, "in.txt")));
        var wrong = await _host.SftpWithPasswordAsync("shelluser", "wrong", "pwd");
        Assert.True(wrong.ExitCode != 0);
        Assert.Contains("Permission denied", wrong.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_program_hook_past_its_timeout_is_killed_and_the_login_fails()
    {
        string pidFile = _host.PathOf("hook.pid");
        string script = await _host.ScriptAsync("slow-hook.sh", $"""
            #!/bin/sh
            echo $$ > {pidFile}
            exec /bin/sleep 600
            """);
        await _host.StartAsync(o =>
        {
            o.ExternalAuthHook = script;
            o.HookTimeout = TimeSpan.FromSeconds(1);
        });

        var watch = Stopwatch.StartNew();
        var result = await _host.SftpWithPasswordAsync("sleeper", "pw", "pwd");
        Assert.True(result.ExitCode != 0);
        Assert.Contains("Permission denied", result.StandardError, StringComparison.Ordinal);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(30), $"the login took {watch.Elapsed}");
        int pid = int.Parse((await File.ReadAllTextAsync(pidFile)).Trim(), System.Globalization.CultureInfo.InvariantCulture);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (Directory.Exists($"/proc/{pid}") && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }
        Assert.False(Directory.Exists($"/proc/{pid}"), "the hook program outlived its timeout");
    }

    [Fact]
    public async Task Scope_leaves_other_methods_to_the_account_store_and_cache_skips_the_hook()
    {
        string home = _host.PathOf("cached-home");
        Directory.CreateDirectory(home);
        _hook = new HookHttpServer(request => Task.FromResult(request.Json.GetProperty("password").GetString() == "pw"
            ? (200, UserJson("cached", home)) : (200, """{"username":""}""")));
        var stored = new SftpAccount { UserName = "keyonly", HomeDirectory = home };
        await _host.StartAsync(o =>
        {
            o.ExternalAuthHook = _hook.Url("/auth");
            o.ExternalAuthScope = 1; // passwords only
            o.ExternalAuthCacheTime = 300;
        }, stored);
        await _host.Store.UpdateAsync(new SftpAccount { UserName = "keyonly", HomeDirectory = home, PublicKeys = [_host.ClientPublicKey] },
            CancellationToken.None);

        var byKey = await _host.SftpWithKeyAsync("keyonly", "pwd");
        Assert.True(byKey.ExitCode == 0, byKey.StandardError);
        Assert.Empty(_hook.Requests);
        Assert.True((await _host.SftpWithPasswordAsync("cached", "pw", "pwd")).ExitCode == 0);
        Assert.True((await _host.SftpWithPasswordAsync("cached", "pw", "pwd")).ExitCode == 0);
        Assert.Single(_hook.Requests);
        // A cached success never accepts another password: that goes to the hook, which refuses it.
        Assert.True((await _host.SftpWithPasswordAsync("cached", "other", "pwd")).ExitCode != 0);
        Assert.Equal(2, _hook.Requests.Count);
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
