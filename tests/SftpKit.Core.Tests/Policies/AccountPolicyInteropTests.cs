using System.Diagnostics;
using System.Security.Cryptography;
using Microsoft.Extensions.DependencyInjection;
using Renci.SshNet;
using Renci.SshNet.Common;
using SftpKit.Accounts;
using SftpKit.Policies;
using SftpKit.Tests.Interop;

namespace SftpKit.Tests.Policies;

/// <summary>Account policies observed through real clients: OpenSSH sftp/scp/ssh and SSH.NET.</summary>
public sealed class AccountPolicyInteropTests : IClassFixture<AccountTestServer>
{
    private readonly AccountTestServer _server;

    public AccountPolicyInteropTests(AccountTestServer server) => _server = server;

    private static string Unique(string prefix) => prefix + Guid.NewGuid().ToString("N")[..6];

    [Fact]
    public async Task Denied_permissions_fail_in_every_protocol_and_change_nothing()
    {
        string user = Unique("perm");
        var account = await _server.AddAccountAsync(user, a =>
        {
            a.Permissions["/"] = ["list", "download"];
            a.Permissions["/incoming"] = ["list", "upload", "create_dirs"];
        });
        string home = account.HomeDirectory!;
        Directory.CreateDirectory(Path.Combine(home, "incoming"));
        await File.WriteAllTextAsync(Path.Combine(home, "keep.txt"), "original");
        string local = _server.NewLocalDirectory();
        await File.WriteAllTextAsync(Path.Combine(local, "up.txt"), "new data");

        // SFTP: uploads to / and deletes are refused; uploads into /incoming and downloads work.
        var denied = await _server.SftpBatchAsync(user, local, "put up.txt /up.txt");
        Assert.NotEqual(0, denied.ExitCode);
        Assert.Contains("Permission denied", denied.StandardError, StringComparison.OrdinalIgnoreCase);
        Assert.False(File.Exists(Path.Combine(home, "up.txt")));
        var rm = await _server.SftpBatchAsync(user, local, "rm /keep.txt");
        Assert.NotEqual(0, rm.ExitCode);
        var overwrite = await _server.SftpBatchAsync(user, local, "put up.txt /keep.txt");
        Assert.NotEqual(0, overwrite.ExitCode);
        var rename = await _server.SftpBatchAsync(user, local, "rename /keep.txt /incoming/moved.txt");
        Assert.NotEqual(0, rename.ExitCode);
        Assert.Equal("original", await File.ReadAllTextAsync(Path.Combine(home, "keep.txt")));

        var ok = await _server.SftpBatchAsync(user, local, "put up.txt /incoming/up.txt", "get /keep.txt got.txt", "mkdir /incoming/sub");
        Assert.True(ok.ExitCode == 0, ok.StandardError);
        Assert.Equal("new data", await File.ReadAllTextAsync(Path.Combine(home, "incoming", "up.txt")));
        Assert.Equal("original", await File.ReadAllTextAsync(Path.Combine(local, "got.txt")));
        Assert.True(Directory.Exists(Path.Combine(home, "incoming", "sub")));
        // Upload permission in /incoming does not include overwrite.
        var again = await _server.SftpBatchAsync(user, local, "put up.txt /incoming/up.txt");
        Assert.NotEqual(0, again.ExitCode);

        // SCP (legacy protocol) passes the same checks.
        var scp = await _server.ScpAsync("-O", Path.Combine(local, "up.txt"), $"{user}@127.0.0.1:/scp.txt");
        Assert.NotEqual(0, scp.ExitCode);
        Assert.False(File.Exists(Path.Combine(home, "scp.txt")));

        // Commands read through the same layer: hashing needs download permission.
        var hash = await _server.SshAsync(user, "sha256sum /keep.txt");
        Assert.Equal(0, hash.ExitCode);
        Assert.StartsWith(Convert.ToHexStringLower(SHA256.HashData("original"u8)), hash.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Denied_file_patterns_are_refused_and_hidden()
    {
        string user = Unique("pat");
        var account = await _server.AddAccountAsync(user, a => a.FilePatterns.Add(new SftpPathFilter { Path = "/", DeniedPatterns = ["*.exe"] }));
        await File.WriteAllTextAsync(Path.Combine(account.HomeDirectory!, "old.EXE"), "x");
        await File.WriteAllTextAsync(Path.Combine(account.HomeDirectory!, "visible.txt"), "y");
        string local = _server.NewLocalDirectory();
        await File.WriteAllTextAsync(Path.Combine(local, "tool.exe"), "binary");

        var put = await _server.SftpBatchAsync(user, local, "put tool.exe /tool.exe");
        Assert.NotEqual(0, put.ExitCode);
        Assert.False(File.Exists(Path.Combine(account.HomeDirectory!, "tool.exe")));
        var ls = await _server.SftpBatchAsync(user, local, "ls -1 /");
        Assert.Equal(0, ls.ExitCode);
        Assert.Contains("visible.txt", ls.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("old.EXE", ls.Text, StringComparison.Ordinal);
        var get = await _server.SftpBatchAsync(user, local, "get /old.EXE got.exe");
        Assert.NotEqual(0, get.ExitCode);
    }

    [Fact]
    public async Task Quota_overrun_stops_the_upload_and_usage_matches_a_scan()
    {
        string user = Unique("quota");
        var account = await _server.AddAccountAsync(user, a => a.QuotaSize = 1024 * 1024);
        string local = _server.NewLocalDirectory();
        await File.WriteAllBytesAsync(Path.Combine(local, "a.bin"), RandomNumberGenerator.GetBytes(600 * 1024));
        await File.WriteAllBytesAsync(Path.Combine(local, "b.bin"), RandomNumberGenerator.GetBytes(600 * 1024));

        var first = await _server.SftpBatchAsync(user, local, "put a.bin /a.bin");
        Assert.True(first.ExitCode == 0, first.StandardError);
        var second = await _server.SftpBatchAsync(user, local, "put b.bin /b.bin");
        Assert.NotEqual(0, second.ExitCode);
        // Atomic mode: nothing under the target name, no temporary left behind.
        Assert.False(File.Exists(Path.Combine(account.HomeDirectory!, "b.bin")));
        Assert.Equal(["a.bin"], Directory.GetFileSystemEntries(account.HomeDirectory!).Select(p => Path.GetFileName(p)!).ToArray());

        var quotas = _server.Services.GetRequiredService<SftpQuotaManager>();
        var live = await quotas.GetUsageAsync(user, CancellationToken.None);
        Assert.Equal(new SftpQuotaUsage(600 * 1024, 1), live);
        var scanned = await quotas.ScanAsync(user, CancellationToken.None);
        Assert.Equal(live, scanned);

        // Deleting frees the quota and the second upload then fits.
        var swap = await _server.SftpBatchAsync(user, local, "rm /a.bin", "put b.bin /b.bin");
        Assert.True(swap.ExitCode == 0, swap.StandardError);
        Assert.Equal(new SftpQuotaUsage(600 * 1024, 1), await quotas.GetUsageAsync(user, CancellationToken.None));
    }

    [Fact]
    public async Task File_count_quota_and_upload_size_limit_are_enforced()
    {
        string user = Unique("files");
        var account = await _server.AddAccountAsync(user, a =>
        {
            a.QuotaFiles = 2;
            a.MaxUploadFileSize = 100 * 1024;
        });
        string local = _server.NewLocalDirectory();
        await File.WriteAllBytesAsync(Path.Combine(local, "small.bin"), RandomNumberGenerator.GetBytes(1000));
        await File.WriteAllBytesAsync(Path.Combine(local, "big.bin"), RandomNumberGenerator.GetBytes(200 * 1024));

        var big = await _server.SftpBatchAsync(user, local, "put big.bin /big.bin");
        Assert.NotEqual(0, big.ExitCode);
        Assert.False(File.Exists(Path.Combine(account.HomeDirectory!, "big.bin")));
        var two = await _server.SftpBatchAsync(user, local, "put small.bin /1.bin", "put small.bin /2.bin");
        Assert.True(two.ExitCode == 0, two.StandardError);
        var third = await _server.SftpBatchAsync(user, local, "put small.bin /3.bin");
        Assert.NotEqual(0, third.ExitCode);
        // Overwriting an existing file does not need a new file slot.
        var overwrite = await _server.SftpBatchAsync(user, local, "put small.bin /1.bin");
        Assert.True(overwrite.ExitCode == 0, overwrite.StandardError);
        Assert.Equal(2, Directory.GetFiles(account.HomeDirectory!).Length);
    }

    [Fact]
    public async Task Upload_bandwidth_limit_holds_over_a_real_transfer()
    {
        const int LimitKiB = 1024;
        const double Rate = LimitKiB * 1024.0;
        const double Burst = Rate / 8; // SftpTokenBucket: an eighth of a second of tokens, at least 32 KiB
        string user = Unique("bw");
        await _server.AddAccountAsync(user, a => a.UploadBandwidth = LimitKiB);
        byte[] data = RandomNumberGenerator.GetBytes(4 * 1024 * 1024);
        using var client = new SftpClient("127.0.0.1", _server.Port, user, AccountTestServer.Password);
        client.Connect();
        var watch = Stopwatch.StartNew();
        using (var stream = new MemoryStream(data))
        {
            client.UploadFile(stream, "/limited.bin");
        }
        watch.Stop();
        TestContext.Current.TestOutputHelper?.WriteLine($"4 MiB uploaded at a 1 MiB/s limit in {watch.Elapsed.TotalSeconds:0.00} s");
        Assert.Equal(data.Length, client.GetAttributes("/limited.bin").Size);

        // No machine can beat the throttle: past the bucket's initial burst, every byte waits for its token, so the
        // upload takes at least (size - burst) / rate (3.9 s here; 10% slack for clock granularity).
        double floor = (data.Length - Burst) / Rate;
        Assert.True(watch.Elapsed.TotalSeconds >= floor * 0.9,
            $"4 MiB uploaded in {watch.Elapsed.TotalSeconds:0.00} s; the 1 MiB/s limit allows no less than {floor:0.00} s");
        // The throttle must not hold a transfer far below its limit either. A busy machine may be slower than the
        // limit on its own, so this bound is deliberately loose: a quarter of the limit (16 s here) still fails a
        // limit read as kilobits instead of kibibytes per second (eight times too slow).
        double nominal = data.Length / Rate;
        Assert.True(watch.Elapsed.TotalSeconds <= nominal * 4,
            $"4 MiB uploaded in {watch.Elapsed.TotalSeconds:0.00} s: under a quarter of the 1 MiB/s limit");
    }

    [Fact]
    public async Task Disabled_expired_and_address_restricted_accounts_cannot_log_in()
    {
        string disabled = Unique("off");
        await _server.AddAccountAsync(disabled, a => a.Enabled = false);
        string expired = Unique("old");
        await _server.AddAccountAsync(expired, a => a.ExpiresAt = DateTimeOffset.UtcNow.AddMinutes(-1));
        string elsewhere = Unique("ip");
        await _server.AddAccountAsync(elsewhere, a => a.AllowedIPs = ["10.0.0.0/8"]);
        string noPassword = Unique("nopw");
        await _server.AddAccountAsync(noPassword, a => a.DeniedLoginMethods = ["password"]);
        string fine = Unique("ok");
        await _server.AddAccountAsync(fine, a => a.AllowedIPs = ["127.0.0.0/8"]);

        foreach (string user in new[] { disabled, expired, elsewhere })
        {
            var key = await _server.SshAsync(user, "pwd");
            Assert.NotEqual(0, key.ExitCode);
            using var client = new SftpClient("127.0.0.1", _server.Port, user, AccountTestServer.Password);
            Assert.Throws<SshAuthenticationException>(client.Connect);
        }
        using (var client = new SftpClient("127.0.0.1", _server.Port, noPassword, AccountTestServer.Password))
        {
            Assert.Throws<SshAuthenticationException>(client.Connect);
        }
        Assert.Equal(0, (await _server.SshAsync(noPassword, "pwd")).ExitCode);
        Assert.Equal(0, (await _server.SshAsync(fine, "pwd")).ExitCode);
    }

    [Fact]
    public async Task An_imported_bcrypt_hash_logs_in_and_is_rehashed_to_argon2id()
    {
        string user = Unique("bc");
        string bcrypt = BCrypt.Net.BCrypt.HashPassword(AccountTestServer.Password, 4);
        await _server.AddAccountAsync(user, a => a.PasswordHash = bcrypt);
        using (var client = new SftpClient("127.0.0.1", _server.Port, user, AccountTestServer.Password))
        {
            client.Connect();
            Assert.True(client.IsConnected);
        }
        var stored = await _server.Store.FindAsync(user, CancellationToken.None);
        Assert.StartsWith("$argon2id$", stored!.PasswordHash, StringComparison.Ordinal);
        Assert.Equal(PasswordVerificationResult.Success, SftpPasswordHasher.Verify(stored.PasswordHash!, AccountTestServer.Password));
        // The new hash still logs in.
        using var again = new SftpClient("127.0.0.1", _server.Port, user, AccountTestServer.Password);
        again.Connect();
        Assert.True(again.IsConnected);
    }

    [Fact]
    public async Task Unknown_user_and_wrong_password_are_refused()
    {
        string user = Unique("pw");
        await _server.AddAccountAsync(user);
        using (var wrong = new SftpClient("127.0.0.1", _server.Port, user, "not the password"))
        {
            Assert.Throws<SshAuthenticationException>(wrong.Connect);
        }
        using (var unknown = new SftpClient("127.0.0.1", _server.Port, "nobody-" + user, AccountTestServer.Password))
        {
            Assert.Throws<SshAuthenticationException>(unknown.Connect);
        }
        using var right = new SftpClient("127.0.0.1", _server.Port, user, AccountTestServer.Password);
        right.Connect();
        Assert.True(right.IsConnected);
        var stored = await _server.Store.FindAsync(user, CancellationToken.None);
        Assert.NotNull(stored!.LastLogin);
    }
}

/// <summary>Multi-step logins and virtual folders of store accounts, through paramiko and OpenSSH.</summary>
public sealed class AccountLoginStepsAndFoldersTests : IClassFixture<AccountTestServer>
{
    private const string Script = """
import sys, paramiko
port, user, key, password = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
t = paramiko.Transport(("127.0.0.1", port))
t.start_client(timeout=20)
pkey = paramiko.Ed25519Key.from_private_key_file(key)
try:
    rest = t.auth_publickey(user, pkey)
except paramiko.AuthenticationException:
    print("KEY-FAILED"); sys.exit(0)
print("AFTER-KEY", ",".join(rest))
if rest:
    try:
        rest = t.auth_password(user, password)
    except paramiko.AuthenticationException:
        print("PASSWORD-FAILED"); sys.exit(0)
print("AUTHENTICATED", t.is_authenticated())
t.close()
""";

    private readonly AccountTestServer _server;

    public AccountLoginStepsAndFoldersTests(AccountTestServer server) => _server = server;

    private async Task<string> RunAsync(string user, string password)
    {
        string path = Path.Combine(_server.Directory, "steps-" + Guid.NewGuid().ToString("N")[..6] + ".py");
        await File.WriteAllTextAsync(path, Script);
        var result = await ProcessRunner.RunAsync("/usr/bin/python3",
            [path, _server.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), user, _server.ClientKey, password]);
        Assert.True(result.ExitCode == 0, result.StandardError);
        return result.Text;
    }

    [Fact]
    public async Task Required_login_steps_need_the_key_then_the_password()
    {
        string user = "steps" + Guid.NewGuid().ToString("N")[..6];
        await _server.AddAccountAsync(user, a => a.RequiredLoginSteps = ["publickey", "password"]);

        string ok = await RunAsync(user, AccountTestServer.Password);
        Assert.Contains("AFTER-KEY password", ok, StringComparison.Ordinal);
        Assert.Contains("AUTHENTICATED True", ok, StringComparison.Ordinal);

        string wrong = await RunAsync(user, "wrong");
        Assert.Contains("PASSWORD-FAILED", wrong, StringComparison.Ordinal);

        // The password alone is not enough.
        using var client = new Renci.SshNet.SftpClient("127.0.0.1", _server.Port, user, AccountTestServer.Password);
        Assert.ThrowsAny<Renci.SshNet.Common.SshException>(client.Connect);
    }

    [Fact]
    public async Task Virtual_folders_with_their_own_quota_are_mounted_and_accounted_apart()
    {
        string user = "vf" + Guid.NewGuid().ToString("N")[..6];
        string shared = Path.Combine(_server.Directory, "shared-" + user);
        Directory.CreateDirectory(shared);
        await File.WriteAllTextAsync(Path.Combine(shared, "existing.txt"), "from the folder");
        var account = await _server.AddAccountAsync(user, a =>
        {
            a.QuotaSize = 10 * 1024 * 1024;
            a.VirtualFolders.Add(new SftpVirtualFolder
            {
                Name = "shared-" + user,
                VirtualPath = "/shared",
                FileSystem = new SftpFileSystemConfig { Provider = "local", Root = shared },
                QuotaFiles = 3,
            });
            a.Permissions["/shared"] = ["list", "download", "upload"];
        });
        string local = _server.NewLocalDirectory();
        await File.WriteAllBytesAsync(Path.Combine(local, "f.bin"), System.Security.Cryptography.RandomNumberGenerator.GetBytes(5000));
        var quotas = _server.Services.GetRequiredService<SftpQuotaManager>();
        await quotas.ScanAsync(user, CancellationToken.None);

        var run = await _server.SftpBatchAsync(user, local, "put f.bin /shared/a.bin", "put f.bin /shared/b.bin", "put f.bin /home.bin", "get /shared/existing.txt e.txt", "ls /");
        Assert.True(run.ExitCode == 0, run.StandardError);
        Assert.Contains("shared", run.Text, StringComparison.Ordinal);
        Assert.Equal("from the folder", await File.ReadAllTextAsync(Path.Combine(local, "e.txt")));
        Assert.True(File.Exists(Path.Combine(shared, "a.bin")));
        Assert.True(File.Exists(Path.Combine(account.HomeDirectory!, "home.bin")));

        // The folder's fourth file is over its own file quota; the account's quota is untouched by folder files.
        var fourth = await _server.SftpBatchAsync(user, local, "put f.bin /shared/c.bin");
        Assert.NotEqual(0, fourth.ExitCode);
        Assert.False(File.Exists(Path.Combine(shared, "c.bin")));
        var store = _server.Store;
        Assert.Equal(new SftpQuotaUsage(5000, 1), await store.GetAsync(SftpQuotaOwner.User(user), CancellationToken.None));
        Assert.Equal(3, (await store.GetAsync(SftpQuotaOwner.Folder("shared-" + user), CancellationToken.None)).Files);
        // Folder permissions: no delete there.
        var rm = await _server.SftpBatchAsync(user, local, "rm /shared/a.bin");
        Assert.NotEqual(0, rm.ExitCode);
        Assert.Equal(new SftpQuotaUsage(5000, 1), await quotas.ScanAsync(user, CancellationToken.None));
    }
}

/// <summary>Events raised by real client sessions through the policy layer.</summary>
public sealed class AccountEventTests : IClassFixture<AccountTestServer>
{
    private readonly AccountTestServer _server;

    public AccountEventTests(AccountTestServer server) => _server = server;

    [Fact]
    public async Task File_operations_raise_post_events_and_pre_events_can_veto()
    {
        string user = "ev" + Guid.NewGuid().ToString("N")[..6];
        var account = await _server.AddAccountAsync(user);
        string local = _server.NewLocalDirectory();
        await File.WriteAllBytesAsync(Path.Combine(local, "f.bin"), new byte[12345]);

        var run = await _server.SftpBatchAsync(user, local, "put f.bin /a.bin", "get /a.bin back.bin", "mkdir /d", "rename /a.bin /d/b.bin", "rm /d/b.bin", "rmdir /d");
        Assert.True(run.ExitCode == 0, run.StandardError);
        var blocked = await _server.SftpBatchAsync(user, local, "put f.bin /blocked.bin");
        Assert.NotEqual(0, blocked.ExitCode);
        Assert.False(File.Exists(Path.Combine(account.HomeDirectory!, "blocked.bin")));
        var scp = await _server.ScpAsync("-O", Path.Combine(local, "f.bin"), $"{user}@127.0.0.1:/scp.bin");
        Assert.True(scp.ExitCode == 0, scp.StandardError);

        var events = await _server.Events.WaitForAsync(user, list => list.Count(e => e.Kind == SftpKit.Events.SftpEventKind.Upload) >= 3
            && list.Any(e => e.Kind == SftpKit.Events.SftpEventKind.Rmdir));
        var upload = Assert.Single(events, e => e.Kind == SftpKit.Events.SftpEventKind.Upload && e.Path == "/a.bin");
        Assert.Equal(SftpKit.Events.SftpEventStatus.Ok, upload.Status);
        Assert.Equal(12345, upload.Size);
        Assert.Equal("SFTP", upload.Protocol);
        Assert.Equal("127.0.0.1", upload.RemoteAddress);
        Assert.NotNull(upload.ConnectionId);
        var download = Assert.Single(events, e => e.Kind == SftpKit.Events.SftpEventKind.Download);
        Assert.Equal(12345, download.Size);
        var rename = Assert.Single(events, e => e.Kind == SftpKit.Events.SftpEventKind.Rename);
        Assert.Equal(("/a.bin", "/d/b.bin"), (rename.Path, rename.TargetPath));
        Assert.Contains(events, e => e.Kind == SftpKit.Events.SftpEventKind.Mkdir && e.Path == "/d");
        Assert.Contains(events, e => e.Kind == SftpKit.Events.SftpEventKind.Delete && e.Path == "/d/b.bin");
        Assert.Contains(events, e => e.Kind == SftpKit.Events.SftpEventKind.Upload && e.Path == "/blocked.bin" && e.Status == SftpKit.Events.SftpEventStatus.Denied);
        Assert.Contains(events, e => e.Kind == SftpKit.Events.SftpEventKind.Upload && e.Path == "/scp.bin" && e.Protocol == "SCP" && e.Size == 12345);
        Assert.Contains(events, e => e.Kind == SftpKit.Events.SftpEventKind.Login && e.Properties["method"] == "publickey");
    }

    [Fact]
    public async Task Commands_raise_events_and_a_pre_event_can_refuse_one()
    {
        string user = "cmd" + Guid.NewGuid().ToString("N")[..6];
        var account = await _server.AddAccountAsync(user);
        await File.WriteAllTextAsync(Path.Combine(account.HomeDirectory!, "x.txt"), "x");
        var sha = await _server.SshAsync(user, "sha1sum x.txt");
        Assert.Equal(0, sha.ExitCode);
        var md5 = await _server.SshAsync(user, "md5sum x.txt");
        Assert.Equal(1, md5.ExitCode);
        Assert.Contains("Permission denied", md5.StandardError, StringComparison.Ordinal);
        var events = await _server.Events.WaitForAsync(user, list => list.Count(e => e.Kind == SftpKit.Events.SftpEventKind.SshCommand) >= 2);
        var ok = Assert.Single(events, e => e.Kind == SftpKit.Events.SftpEventKind.SshCommand && e.Path == "sha1sum x.txt");
        Assert.Equal(SftpKit.Events.SftpEventStatus.Ok, ok.Status);
        Assert.Equal("0", ok.Properties["exit_status"]);
        Assert.Contains(events, e => e.Kind == SftpKit.Events.SftpEventKind.SshCommand && e.Path == "md5sum x.txt" && e.Status == SftpKit.Events.SftpEventStatus.Denied);
    }

    [Fact]
    public async Task A_pre_login_veto_refuses_the_login()
    {
        string user = "vetoed" + Guid.NewGuid().ToString("N")[..6];
        await _server.AddAccountAsync(user);
        var result = await _server.SshAsync(user, "pwd");
        Assert.NotEqual(0, result.ExitCode);
        var events = await _server.Events.WaitForAsync(user, list => list.Any(e => e.Kind == SftpKit.Events.SftpEventKind.LoginFailed));
        Assert.Contains(events, e => e.Kind == SftpKit.Events.SftpEventKind.LoginFailed && e.Status == SftpKit.Events.SftpEventStatus.Denied);
        Assert.DoesNotContain(events, e => e.Kind == SftpKit.Events.SftpEventKind.Login);
    }
}

/// <summary>Account session limits and live transfer tracking.</summary>
public sealed class AccountSessionTests : IClassFixture<AccountTestServer>
{
    private readonly AccountTestServer _server;

    public AccountSessionTests(AccountTestServer server) => _server = server;

    [Fact]
    public async Task The_account_session_limit_refuses_the_extra_session_and_transfers_show_in_the_registry()
    {
        string user = "ms" + Guid.NewGuid().ToString("N")[..6];
        await _server.AddAccountAsync(user, a =>
        {
            a.MaxSessions = 2;
            a.DownloadBandwidth = 256;
        });
        await File.WriteAllBytesAsync(Path.Combine(_server.Directory, "homes", user, "slow.bin"), new byte[1024 * 1024]);
        using var first = new SftpClient("127.0.0.1", _server.Port, user, AccountTestServer.Password);
        using var second = new SftpClient("127.0.0.1", _server.Port, user, AccountTestServer.Password);
        first.Connect();
        second.Connect();
        using (var third = new SftpClient("127.0.0.1", _server.Port, user, AccountTestServer.Password))
        {
            Assert.ThrowsAny<SshException>(third.Connect);
        }

        // A throttled download (256 KiB/s) is listed with its bytes while it runs.
        var registry = _server.Services.GetRequiredService<ISftpConnectionRegistry>();
        var download = Task.Run(() =>
        {
            using var sink = new MemoryStream();
            first.DownloadFile("/slow.bin", sink);
            return sink.Length;
        });
        SftpTransfer? seen = null;
        for (int i = 0; i < 100 && seen is null; i++)
        {
            await Task.Delay(50);
            seen = registry.GetConnections().Where(c => c.UserName == user).SelectMany(c => c.ActiveTransfers).FirstOrDefault();
        }
        Assert.NotNull(seen);
        Assert.Equal("/slow.bin", seen!.Path);
        Assert.Equal(SftpTransferDirection.Download, seen.Direction);
        Assert.Equal(1024 * 1024, await download);
        Assert.True(registry.GetConnections().Where(c => c.UserName == user).Sum(c => c.BytesDownloaded) >= 1024 * 1024);

        second.Disconnect();
        using var again = new SftpClient("127.0.0.1", _server.Port, user, AccountTestServer.Password);
        for (int i = 0; i < 50; i++)
        {
            try
            {
                again.Connect();
                break;
            }
            catch (SshException) when (i < 49)
            {
                await Task.Delay(100); // the freed slot is released when the server sees the disconnect
            }
        }
        Assert.True(again.IsConnected);
    }
}
