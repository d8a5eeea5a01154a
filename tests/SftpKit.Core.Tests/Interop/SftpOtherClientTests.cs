using System.Security.Cryptography;
using Renci.SshNet;

namespace SftpKit.Tests.Interop;

/// <summary>paramiko (Debian python3-paramiko) and SSH.NET's SftpClient against the real server.</summary>
public sealed class SftpOtherClientTests : IClassFixture<SftpTestServer>
{
    private const string DebianPython = "/usr/bin/python3";
    private readonly SftpTestServer _server;

    public SftpOtherClientTests(SftpTestServer server) => _server = server;

    private string HomePath(string name) => Path.Combine(_server.Home, name);

    [Fact]
    public async Task Paramiko_PutGetStatListRenameTruncateAppendStatvfs()
    {
        string local = Path.Combine(_server.Directory, "paramiko-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(local);
        var content = RandomNumberGenerator.GetBytes(2_000_003);
        await File.WriteAllBytesAsync(Path.Combine(local, "up.bin"), content);
        string script = """
            import sys, os, hashlib, paramiko
            port, user, password, local = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
            t = paramiko.Transport(("127.0.0.1", port))
            t.connect(username=user, password=password)
            s = paramiko.SFTPClient.from_transport(t)
            s.mkdir("pm")
            s.put(os.path.join(local, "up.bin"), "pm/up.bin")
            s.get("pm/up.bin", os.path.join(local, "down.bin"))
            print("size", s.stat("pm/up.bin").st_size)
            print("list", sorted(s.listdir("pm")))
            s.rename("pm/up.bin", "pm/moved.bin")
            with s.open("pm/other.bin", "w") as f:
                f.write(b"other")
            s.posix_rename("pm/other.bin", "pm/moved.bin")
            with s.open("pm/moved.bin", "a") as f:
                f.write(b"-appended")
            with s.open("pm/moved.bin", "r") as f:
                print("content", f.read().decode())
            s.truncate("pm/moved.bin", 3)
            print("truncated", s.stat("pm/moved.bin").st_size)
            print("normalize", s.normalize("pm/../pm/./x"))
            msg = s._request(paramiko.sftp.CMD_EXTENDED, "statvfs@openssh.com", "/")
            print("statvfs", msg[0] == paramiko.sftp.CMD_EXTENDED_REPLY)
            s.remove("pm/moved.bin")
            s.rmdir("pm")
            s.close(); t.close()
            """;
        var result = await ProcessRunner.RunAsync(DebianPython, ["-c", script, _server.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            SftpTestServer.UserName, SftpTestServer.Password, local]);
        Assert.True(result.ExitCode == 0, result.Text + result.StandardError);
        string text = result.Text;
        Assert.Contains("size 2000003", text, StringComparison.Ordinal);
        Assert.Contains("list ['up.bin']", text, StringComparison.Ordinal);
        Assert.Contains("content other-appended", text, StringComparison.Ordinal);
        Assert.Contains("truncated 3", text, StringComparison.Ordinal);
        Assert.Contains("normalize /pm/x", text, StringComparison.Ordinal);
        Assert.Contains("statvfs True", text, StringComparison.Ordinal);
        Assert.Equal(content, await File.ReadAllBytesAsync(Path.Combine(local, "down.bin")));
        Assert.False(Directory.Exists(HomePath("pm")));
    }

    [Fact]
    public void SshNet_UploadDownloadListRenameDelete()
    {
        using var client = new SftpClient("127.0.0.1", _server.Port, SftpTestServer.UserName, SftpTestServer.Password);
        client.HostKeyReceived += (_, e) => e.CanTrust = true;
        client.Connect();
        var content = RandomNumberGenerator.GetBytes(5_000_001);
        client.CreateDirectory("sn");
        using (var upload = new MemoryStream(content))
        {
            client.UploadFile(upload, "sn/file.bin");
        }
        Assert.Equal(content, File.ReadAllBytes(HomePath("sn/file.bin")));
        using (var download = new MemoryStream())
        {
            client.DownloadFile("sn/file.bin", download);
            Assert.Equal(SHA256.HashData(content), SHA256.HashData(download.ToArray()));
        }
        var entries = client.ListDirectory("sn").Select(e => e.Name).Where(n => n is not "." and not "..").ToList();
        Assert.Equal(["file.bin"], entries);
        client.RenameFile("sn/file.bin", "sn/renamed.bin");
        Assert.True(client.Exists("sn/renamed.bin"));
        Assert.Equal(content.Length, client.GetAttributes("sn/renamed.bin").Size);
        client.DeleteFile("sn/renamed.bin");
        client.DeleteDirectory("sn");
        Assert.False(Directory.Exists(HomePath("sn")));
    }
}
