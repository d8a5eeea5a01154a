using System.Globalization;

namespace SftpKit.Tests.Interop;

/// <summary>
/// paramiko (Debian python3-paramiko) writing without pipelining: each WRITE waits for its STATUS. paramiko sends
/// every channel message with its own socket write and leaves Nagle on, so a request split over two CHANNEL_DATA
/// messages stalls its tail until the server's delayed ACK (~40 ms per write on Linux loopback). The server must
/// advertise a channel maximum packet that fits a whole 32 KiB WRITE.
/// </summary>
public sealed class SftpParamikoWriteTests : IClassFixture<SftpTestServer>
{
    private const string DebianPython = "/usr/bin/python3";
    private readonly SftpTestServer _server;

    public SftpParamikoWriteTests(SftpTestServer server) => _server = server;

    [Fact]
    public async Task Paramiko_sends_each_32KiB_write_in_one_channel_message_and_the_file_arrives()
    {
        // Counts the channel sends (one SSH CHANNEL_DATA message each) per SFTPFile.write of 32 KiB.
        string script = """
            import sys, hashlib, paramiko
            port, user, pw = int(sys.argv[1]), sys.argv[2], sys.argv[3]
            t = paramiko.Transport(("127.0.0.1", port))
            t.connect(username=user, password=pw)
            sftp = paramiko.SFTPClient.from_transport(t)
            chan = sftp.get_channel()
            sends = []
            original = chan.send
            def counting_send(data):
                n = original(data)
                sends.append(n)
                return n
            chan.send = counting_send
            digest = hashlib.sha256()
            per_write = []
            with sftp.open("paramiko-writes.bin", "wb") as f:
                for i in range(20):
                    chunk = bytes([i]) * 32768
                    digest.update(chunk)
                    before = len(sends)
                    f.write(chunk)
                    per_write.append(len(sends) - before)
            print(max(per_write), chan.out_max_packet_size, digest.hexdigest())
            t.close()
            """;
        string path = Path.Combine(_server.Directory, "paramiko-writes.py");
        await File.WriteAllTextAsync(path, script);
        var result = await ProcessRunner.RunAsync(DebianPython,
            [path, _server.Port.ToString(CultureInfo.InvariantCulture), SftpTestServer.UserName, SftpTestServer.Password]);
        Assert.True(result.ExitCode == 0, result.StandardError);
        var fields = result.Text.Trim().Split(' ');
        Assert.Equal("1", fields[0]);
        Assert.True(int.Parse(fields[1], CultureInfo.InvariantCulture) > 32768 + 64, "advertised max packet " + fields[1]);
        byte[] stored = await File.ReadAllBytesAsync(Path.Combine(_server.Home, "paramiko-writes.bin"));
        Assert.Equal(20 * 32768, stored.Length);
        Assert.Equal(fields[2], Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(stored)));
    }
}
