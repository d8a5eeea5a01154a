using System.Globalization;
using Microsoft.Extensions.Time.Testing;
using Renci.SshNet;
using Renci.SshNet.Common;
using SftpKit.Accounts;
using SftpKit.Tests.Interop;

namespace SftpKit.Tests.Policies;

/// <summary>
/// Per-account limits seen by real clients (OpenSSH sftp, paramiko, SSH.NET) against a server on a fake clock:
/// access-time windows, data-transfer caps, denied protocols and password expiry, all enforced by the one login
/// pipeline and the policy layer.
/// </summary>
public sealed class AccountLimitsInteropTests : IAsyncLifetime
{
    private const string DebianPython = "/usr/bin/python3";

    // Monday 7 December 2026, 10:00 UTC.
    private static readonly DateTimeOffset s_monday10 = new(2026, 12, 7, 10, 0, 0, TimeSpan.Zero);

    private readonly FakeTimeProvider _clock = new(s_monday10);
    private AccountTestServer _server = null!;

    public async ValueTask InitializeAsync()
    {
        _server = new AccountTestServer { Time = _clock };
        await _server.InitializeAsync();
    }

    public ValueTask DisposeAsync() => _server.DisposeAsync();

    private static string Unique(string prefix) => prefix + Guid.NewGuid().ToString("N")[..6];

    [Fact]
    public async Task Logins_outside_the_access_windows_are_refused_on_the_servers_clock()
    {
        Requires.Tool("sftp", "apt-get install openssh-client");
        string office = Unique("office");
        await _server.AddAccountAsync(office, a => a.AccessTime = [new SftpAccessTimeWindow { DayOfWeek = 1, From = "08:00", To = "12:00" }]);
        string tuesday = Unique("tue");
        await _server.AddAccountAsync(tuesday, a => a.AccessTime = [new SftpAccessTimeWindow { DayOfWeek = 2, From = "00:00", To = "23:59" }]);
        // 10:00 UTC is 05:00 in New York: inside a 04:00-06:00 window there, outside the same hours in UTC.
        string newYork = Unique("ny");
        await _server.AddAccountAsync(newYork, a =>
        {
            a.AccessTime = [new SftpAccessTimeWindow { DayOfWeek = 1, From = "04:00", To = "06:00" }];
            a.AccessTimeZone = "America/New_York";
        });
        string local = _server.NewLocalDirectory();

        var inside = await _server.SftpBatchAsync(office, local, "pwd");
        Assert.True(inside.ExitCode == 0, inside.StandardError);
        var wrongDay = await _server.SftpBatchAsync(tuesday, local, "pwd");
        Assert.NotEqual(0, wrongDay.ExitCode);
        Assert.Contains("Permission denied", wrongDay.StandardError, StringComparison.Ordinal);
        var zoned = await _server.SftpBatchAsync(newYork, local, "pwd");
        Assert.True(zoned.ExitCode == 0, zoned.StandardError);

        // Two hours later on the same clock the office window has closed.
        _clock.Advance(TimeSpan.FromHours(2) + TimeSpan.FromMinutes(1));
        var after = await _server.SftpBatchAsync(office, local, "pwd");
        Assert.NotEqual(0, after.ExitCode);
        Assert.Contains("Permission denied", after.StandardError, StringComparison.Ordinal);
        // And it is Tuesday nowhere yet.
        var stillMonday = await _server.SftpBatchAsync(tuesday, local, "pwd");
        Assert.NotEqual(0, stillMonday.ExitCode);
        _clock.Advance(TimeSpan.FromHours(12));
        var tuesdayNow = await _server.SftpBatchAsync(tuesday, local, "pwd");
        Assert.True(tuesdayNow.ExitCode == 0, tuesdayNow.StandardError);
    }

    [Fact]
    public async Task A_denied_SSH_protocol_refuses_every_SSH_login()
    {
        Requires.Tool("sftp", "apt-get install openssh-client");
        string user = Unique("nossh");
        await _server.AddAccountAsync(user, a => a.DeniedProtocols = [SftpAccountLimits.ProtocolSsh]);
        string allowed = Unique("http");
        await _server.AddAccountAsync(allowed, a => a.DeniedProtocols = [SftpAccountLimits.ProtocolHttp]);
        string local = _server.NewLocalDirectory();

        var refused = await _server.SftpBatchAsync(user, local, "pwd");
        Assert.NotEqual(0, refused.ExitCode);
        Assert.Contains("Permission denied", refused.StandardError, StringComparison.Ordinal);
        var command = await _server.SshAsync(user, "sha256sum /x");
        Assert.NotEqual(0, command.ExitCode);
        // Denying only HTTP leaves SSH alone.
        var ok = await _server.SftpBatchAsync(allowed, local, "pwd");
        Assert.True(ok.ExitCode == 0, ok.StandardError);
    }

    [Fact]
    public async Task An_upload_cap_stops_the_upload_that_crosses_it_and_later_ones()
    {
        Requires.Tool("sftp", "apt-get install openssh-client");
        string user = Unique("cap");
        var account = await _server.AddAccountAsync(user, a => a.UploadDataTransfer = 1); // 1 MiB
        string local = _server.NewLocalDirectory();
        await File.WriteAllBytesAsync(Path.Combine(local, "small.bin"), new byte[600 * 1024]);
        await File.WriteAllBytesAsync(Path.Combine(local, "big.bin"), new byte[3 * 1024 * 1024]);

        var first = await _server.SftpBatchAsync(user, local, "put small.bin /small.bin");
        Assert.True(first.ExitCode == 0, first.StandardError);
        var second = await _server.SftpBatchAsync(user, local, "put big.bin /big.bin");
        Assert.NotEqual(0, second.ExitCode);
        string big = Path.Combine(account.HomeDirectory!, "big.bin");
        Assert.True(!File.Exists(big) || new FileInfo(big).Length <= 1024 * 1024 - 600 * 1024, "the upload went past the cap");

        // The cap is reached now: the next upload fails at once; downloads are not capped.
        var third = await _server.SftpBatchAsync(user, local, "put small.bin /again.bin");
        Assert.NotEqual(0, third.ExitCode);
        var download = await _server.SftpBatchAsync(user, local, "get /small.bin back.bin");
        Assert.True(download.ExitCode == 0, download.StandardError);

        // The usage is kept in the quota store, like used quota.
        var quotas = _server.Store;
        var (up, _) = SftpDataTransferUsage.Owners(user, SftpDataTransferPeriod.None, _clock.GetUtcNow());
        long used = (await quotas.GetAsync(up, default)).Size;
        Assert.InRange(used, 600 * 1024, 1024 * 1024);
    }

    [Fact]
    public async Task Paramiko_sees_the_clear_error_when_a_download_cap_is_reached()
    {
        Requires.That(File.Exists(DebianPython), "python3", "apt-get install python3-paramiko");
        var probe = await ProcessRunner.RunAsync(DebianPython, ["-c", "import paramiko"]);
        Requires.That(probe.ExitCode == 0, "paramiko", "apt-get install python3-paramiko");
        string user = Unique("dcap");
        var account = await _server.AddAccountAsync(user, a =>
        {
            a.TotalDataTransfer = 1; // 1 MiB up and down together, per day
            a.DataTransferPeriod = SftpDataTransferPeriod.Day;
        });
        await File.WriteAllBytesAsync(Path.Combine(account.HomeDirectory!, "two.bin"), new byte[2 * 1024 * 1024]);
        string script = """
            import sys, paramiko
            port, user, pw = int(sys.argv[1]), sys.argv[2], sys.argv[3]
            t = paramiko.Transport(("127.0.0.1", port))
            t.connect(username=user, password=pw)
            sftp = paramiko.SFTPClient.from_transport(t)
            got = 0
            try:
                with sftp.open("two.bin", "rb") as f:
                    while True:
                        data = f.read(32768)
                        if not data:
                            break
                        got += len(data)
                print("complete", got)
            except IOError as e:
                print("refused", got, str(e))
            t.close()
            """;
        string path = Path.Combine(_server.Directory, "dcap-" + user + ".py");
        await File.WriteAllTextAsync(path, script);
        var result = await ProcessRunner.RunAsync(DebianPython, [path, _server.Port.ToString(CultureInfo.InvariantCulture), user, AccountTestServer.Password]);
        Assert.True(result.ExitCode == 0, result.StandardError);
        Assert.StartsWith("refused", result.Text.Trim(), StringComparison.Ordinal);
        Assert.Contains("Data transfer limit exceeded", result.Text, StringComparison.Ordinal);
        long got = long.Parse(result.Text.Trim().Split(' ')[1], CultureInfo.InvariantCulture);
        Assert.True(got <= 1024 * 1024, "read past the cap: " + got);

        // The next day the counters start again.
        _clock.Advance(TimeSpan.FromDays(1));
        var nextDay = await ProcessRunner.RunAsync(DebianPython, [path, _server.Port.ToString(CultureInfo.InvariantCulture), user, AccountTestServer.Password]);
        Assert.StartsWith("refused", nextDay.Text.Trim(), StringComparison.Ordinal); // 2 MiB is still over 1 MiB...
        long again = long.Parse(nextDay.Text.Trim().Split(' ')[1], CultureInfo.InvariantCulture);
        Assert.True(again > 0, "the new day's counter did not start from zero"); // ...but a fresh MiB was served.
    }

    [Fact]
    public async Task An_expired_password_no_longer_logs_in_but_a_key_still_does()
    {
        string user = Unique("exp");
        await _server.AddAccountAsync(user, a =>
        {
            a.PasswordExpirationDays = 30;
            a.PasswordChangedAt = s_monday10.AddDays(-10);
        });
        using (var fresh = new SftpClient("127.0.0.1", _server.Port, user, AccountTestServer.Password))
        {
            fresh.Connect();
            Assert.True(fresh.IsConnected);
        }
        _clock.Advance(TimeSpan.FromDays(21));
        using (var expired = new SftpClient("127.0.0.1", _server.Port, user, AccountTestServer.Password))
        {
            Assert.Throws<SshAuthenticationException>(() => expired.Connect());
        }
        using var key = new PrivateKeyFile(_server.ClientKey);
        using var withKey = new SftpClient("127.0.0.1", _server.Port, user, key);
        withKey.Connect();
        Assert.True(withKey.IsConnected);
    }
}
