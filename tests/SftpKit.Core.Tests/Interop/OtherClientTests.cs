using System.Security.Cryptography;
using Renci.SshNet;

namespace SftpKit.Tests.Interop;

/// <summary>SSH.NET (NuGet), paramiko and asyncssh (Debian python3 packages) against the embedded server.</summary>
public sealed class OtherClientTests : IClassFixture<TestServer>
{
    private const string DebianPython = "/usr/bin/python3";
    private readonly TestServer _server;

    public OtherClientTests(TestServer server) => _server = server;

    [Theory]
    [InlineData("mlkem768x25519-sha256")]
    [InlineData("sntrup761x25519-sha512")]
    [InlineData("sntrup761x25519-sha512@openssh.com")]
    [InlineData("curve25519-sha256")]
    [InlineData("ecdh-sha2-nistp384")]
    [InlineData("diffie-hellman-group16-sha512")]
    public void SshNet_connects_with_kex_method(string kex)
    {
        var info = new ConnectionInfo("127.0.0.1", _server.Port, TestServer.UserName, new PasswordAuthenticationMethod(TestServer.UserName, TestServer.Password));
        Assert.True(info.KeyExchangeAlgorithms.ContainsKey(kex), $"SSH.NET lacks {kex}");
        foreach (var name in info.KeyExchangeAlgorithms.Keys.Where(k => k != kex).ToList())
        {
            info.KeyExchangeAlgorithms.Remove(name);
        }
        using var client = new SshClient(info);
        string? fingerprint = null;
        client.HostKeyReceived += (_, e) => { fingerprint = e.FingerPrintSHA256; e.CanTrust = true; };
        client.Connect();
        using var command = client.RunCommand("echo sshnet ok");
        Assert.Equal("sshnet ok\n", command.Result);
        Assert.Equal(0, command.ExitStatus);
        Assert.NotNull(fingerprint);
    }

    [Fact]
    public void SshNet_authenticates_with_a_private_key_and_streams_data()
    {
        using var key = new PrivateKeyFile(_server.ClientKeys["ed25519"]);
        using var client = new SshClient("127.0.0.1", _server.Port, TestServer.UserName, key);
        client.HostKeyReceived += (_, e) => e.CanTrust = true;
        client.Connect();
        byte[] data = TestServer.RandomBytes(3 * 1024 * 1024);
        using var command = client.CreateCommand("cat");
        var async = command.BeginExecute();
        using (var input = command.CreateInputStream())
        {
            input.Write(data);
        }
        using var output = new MemoryStream();
        command.OutputStream.CopyTo(output);
        command.EndExecute(async);
        Assert.Equal(SHA256.HashData(data), SHA256.HashData(output.ToArray()));
    }

    [Fact]
    public async Task Paramiko_connects_with_curve25519_libssh_and_aes_ctr()
    {
        string script = """
            import sys, paramiko
            port, user, pw = int(sys.argv[1]), sys.argv[2], sys.argv[3]
            t = paramiko.Transport(("127.0.0.1", port))
            t.disabled_algorithms = {}
            so = t.get_security_options()
            so.kex = ("curve25519-sha256@libssh.org",)
            so.ciphers = ("aes128-ctr",)
            so.digests = ("hmac-sha2-256-etm@openssh.com",)
            t.connect(username=user, password=pw)
            ch = t.open_session()
            ch.exec_command("echo paramiko ok")
            out = b""
            while True:
                d = ch.recv(65536)
                if not d: break
                out += d
            status = ch.recv_exit_status()
            print(out.decode().strip(), status, t.remote_cipher, t.remote_mac)
            t.close()
            """;
        var result = await RunPythonAsync(script, _server.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), TestServer.UserName, TestServer.Password);
        Assert.True(result.ExitCode == 0, result.StandardError);
        Assert.Equal("paramiko ok 0 aes128-ctr hmac-sha2-256-etm@openssh.com", result.Text.Trim());
    }

    [Fact]
    public async Task Asyncssh_connects_and_runs_a_command()
    {
        string script = """
            import sys, asyncio, asyncssh
            async def main():
                async with asyncssh.connect("127.0.0.1", port=int(sys.argv[1]), username=sys.argv[2], password=sys.argv[3],
                                            known_hosts=None, client_keys=None) as conn:
                    r = await conn.run("cat", input="asyncssh " * 50000)
                    print(len(r.stdout), r.exit_status, conn.get_extra_info("send_cipher"))
            asyncio.run(main())
            """;
        var result = await RunPythonAsync(script, _server.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), TestServer.UserName, TestServer.Password);
        Assert.True(result.ExitCode == 0, result.StandardError);
        var parts = result.Text.Trim().Split(' ');
        Assert.Equal("450000", parts[0]);
        Assert.Equal("0", parts[1]);
    }

    private async Task<ProcessRunner.Result> RunPythonAsync(string script, params string[] args)
    {
        string path = Path.Combine(_server.Directory, "client-" + Guid.NewGuid().ToString("N")[..8] + ".py");
        await File.WriteAllTextAsync(path, script);
        return await ProcessRunner.RunAsync(DebianPython, [path, .. args]);
    }
}
