using System.Security.Cryptography;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using SftpKit.Tests.Events;

namespace SftpKit.Tests.Interop;

/// <summary>The real OpenSSH client (Debian openssh-client) against the embedded server, one algorithm forced at a time.</summary>
public sealed class OpenSshClientTests : IClassFixture<TestServer>
{
    private readonly TestServer _server;

    public OpenSshClientTests(TestServer server) => _server = server;

    [Theory]
    [InlineData("sntrup761x25519-sha512@openssh.com")]
    [InlineData("curve25519-sha256")]
    [InlineData("curve25519-sha256@libssh.org")]
    [InlineData("ecdh-sha2-nistp256")]
    [InlineData("ecdh-sha2-nistp384")]
    [InlineData("ecdh-sha2-nistp521")]
    [InlineData("diffie-hellman-group16-sha512")]
    [InlineData("diffie-hellman-group14-sha256")]
    public async Task Connects_with_each_kex_method(string kex)
    {
        var result = await _server.SshAsync("echo kex ok", options: ["-o", $"KexAlgorithms={kex}"]);
        Assert.True(result.ExitCode == 0, result.StandardError);
        Assert.Equal("kex ok\n", result.Text);
    }

    [Theory]
    [InlineData("ssh-ed25519")]
    [InlineData("ecdsa-sha2-nistp256")]
    [InlineData("ecdsa-sha2-nistp384")]
    [InlineData("ecdsa-sha2-nistp521")]
    [InlineData("rsa-sha2-512")]
    [InlineData("rsa-sha2-256")]
    public async Task Verifies_each_host_key_type_against_known_hosts(string hostKeyAlgorithm)
    {
        var result = await _server.SshAsync("echo hostkey ok", options: ["-o", $"HostKeyAlgorithms={hostKeyAlgorithm}"]);
        Assert.True(result.ExitCode == 0, result.StandardError);
        Assert.Equal("hostkey ok\n", result.Text);
    }

    [Theory]
    [InlineData("chacha20-poly1305@openssh.com")]
    [InlineData("aes128-gcm@openssh.com")]
    [InlineData("aes256-gcm@openssh.com")]
    [InlineData("aes128-ctr")]
    [InlineData("aes192-ctr")]
    [InlineData("aes256-ctr")]
    public async Task Transfers_data_intact_with_each_cipher(string cipher)
    {
        byte[] data = TestServer.RandomBytes(300_000);
        var result = await _server.SshAsync("cat", data, options: ["-o", $"Ciphers={cipher}"]);
        Assert.True(result.ExitCode == 0, result.StandardError);
        Assert.Equal(SHA256.HashData(data), SHA256.HashData(result.StandardOutput));
    }

    [Theory]
    [InlineData("hmac-sha2-256-etm@openssh.com")]
    [InlineData("hmac-sha2-512-etm@openssh.com")]
    [InlineData("hmac-sha2-256")]
    [InlineData("hmac-sha2-512")]
    public async Task Transfers_data_intact_with_each_mac(string mac)
    {
        byte[] data = TestServer.RandomBytes(200_000);
        var result = await _server.SshAsync("cat", data, options: ["-o", "Ciphers=aes128-ctr", "-o", $"MACs={mac}"]);
        Assert.True(result.ExitCode == 0, result.StandardError);
        Assert.Equal(SHA256.HashData(data), SHA256.HashData(result.StandardOutput));
    }

    [Theory]
    [InlineData("ed25519")]
    [InlineData("ecdsa")]
    [InlineData("rsa")]
    public async Task Authenticates_with_each_user_key_type(string keyType)
    {
        var result = await _server.SshAsync("echo key ok", keyType: keyType);
        Assert.True(result.ExitCode == 0, result.StandardError);
        Assert.Equal("key ok\n", result.Text);
    }

    [Theory]
    [InlineData("password")]
    [InlineData("keyboard-interactive")]
    public async Task Authenticates_with_password_methods(string method)
    {
        var result = await _server.SshWithPasswordAsync("echo pw ok", TestServer.Password, method);
        Assert.True(result.ExitCode == 0, result.StandardError);
        Assert.Equal("pw ok\n", result.Text);
    }

    [Fact]
    public async Task Rejects_a_wrong_password()
    {
        var result = await _server.SshWithPasswordAsync("echo should not run", "wrong password");
        Assert.Equal(255, result.ExitCode);
        Assert.Empty(result.StandardOutput);
        Assert.Contains("Permission denied", result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Rejects_an_unknown_key()
    {
        string path = Path.Combine(_server.Directory, "stranger_key");
        if (!File.Exists(path))
        {
            await TestServer.KeyGenAsync(path, "ed25519", "", pem: false);
        }
        var args = _server.SshArgs("-o", "BatchMode=yes", "-o", "IdentitiesOnly=yes", "-i", path, $"{TestServer.UserName}@127.0.0.1", "echo no");
        var result = await ProcessRunner.RunAsync("ssh", args);
        Assert.Equal(255, result.ExitCode);
        Assert.Contains("Permission denied", result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Client_initiated_rekeys_keep_the_stream_intact()
    {
        byte[] data = TestServer.RandomBytes(4 * 1024 * 1024);
        var result = await _server.SshAsync("cat", data, options: ["-o", "RekeyLimit=256K"]);
        Assert.True(result.ExitCode == 0, result.StandardError);
        Assert.Equal(SHA256.HashData(data), SHA256.HashData(result.StandardOutput));
    }

    [Fact]
    public async Task Unknown_command_gets_exit_status_127()
    {
        var result = await _server.SshAsync("rm -rf /");
        Assert.Equal(127, result.ExitCode);
        Assert.Contains("does not run that command", result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Shell_requests_are_refused()
    {
        var args = _server.SshArgs("-o", "BatchMode=yes", "-o", "IdentitiesOnly=yes", "-i", _server.ClientKeys["ed25519"], "-T", $"{TestServer.UserName}@127.0.0.1");
        var result = await ProcessRunner.RunAsync("ssh", args, input: []);
        Assert.NotEqual(0, result.ExitCode);
    }
}

/// <summary>
/// A server whose own rekey limit is small, so it starts rekeys in the middle of a transfer. The server's log shows
/// that it, not the client (OpenSSH rekeys only after gigabytes by default), sent each KEXINIT, and that each of
/// those key exchanges completed.
/// </summary>
public sealed class ServerRekeyTests : IAsyncLifetime
{
    private const int RekeyBytes = 512 * 1024;
    private const string RekeyStarted = "RekeyStarted";
    private const string KeyExchangeDone = "KeyExchangeDone";

    private readonly CapturingLoggerProvider _log = new();
    private readonly TestServer _server;

    public ServerRekeyTests()
    {
        _server = new TestServer
        {
            Configure = o => o.Limits.RekeyBytes = RekeyBytes,
            ConfigureServices = s => s.AddLogging(b => b.AddProvider(_log).AddFilter<CapturingLoggerProvider>(null, LogLevel.Debug)),
        };
    }

    public ValueTask InitializeAsync() => _server.InitializeAsync();

    public ValueTask DisposeAsync() => _server.DisposeAsync();

    [Theory]
    [InlineData("chacha20-poly1305@openssh.com")]
    [InlineData("aes256-gcm@openssh.com")]
    [InlineData("aes128-ctr")]
    public async Task Server_initiated_rekeys_keep_the_stream_intact(string cipher)
    {
        byte[] data = TestServer.RandomBytes(6 * 1024 * 1024);
        var result = await _server.SshAsync("cat", data, options: ["-o", $"Ciphers={cipher}"]);
        Assert.True(result.ExitCode == 0, result.StandardError);
        Assert.Equal(SHA256.HashData(data), SHA256.HashData(result.StandardOutput));

        // A snapshot once the client has gone: the server may still be reading its last packets, so a rekey it
        // started at the very end may be incomplete here.
        var kexEvents = _log.Records.Where(r => r.EventId.Name is RekeyStarted or KeyExchangeDone).ToList();
        Assert.Single(kexEvents.Select(r => r.Properties["ConnectionId"]).Distinct());
        Assert.Equal(KeyExchangeDone, kexEvents[0].EventId.Name); // the first exchange
        var started = kexEvents.Where(r => r.EventId.Name == RekeyStarted).ToList();
        // 12 MiB crossed the connection (6 MiB each way): about 24 rekeys at 512 KiB. A few are enough to show it.
        Assert.True(started.Count >= 4, $"the server started {started.Count} rekeys");
        Assert.All(started, r => Assert.True((long)r.Properties["Bytes"]! >= RekeyBytes));
        // Every rekey the server started completed before the next one; only the last may be cut off by the disconnect.
        // No other exchange happened: OpenSSH never started one of its own.
        for (int i = 1; i < kexEvents.Count; i++)
        {
            if (kexEvents[i].EventId.Name == RekeyStarted)
            {
                Assert.Equal(KeyExchangeDone, kexEvents[i - 1].EventId.Name);
            }
        }
        int completed = kexEvents.Skip(1).Count(r => r.EventId.Name == KeyExchangeDone);
        Assert.InRange(completed, started.Count - 1, started.Count);
    }
}
