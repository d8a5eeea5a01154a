using System.Globalization;
using System.Security.Cryptography;

namespace SftpKit.Tests.Interop;

/// <summary>check-file through paramiko's SFTPFile.check, and copy-data through OpenSSH sftp's <c>cp</c>.</summary>
public sealed class SftpCheckFileCopyInteropTests : IClassFixture<SftpTestServer>
{
    private const string DebianPython = "/usr/bin/python3";
    private readonly SftpTestServer _server;

    public SftpCheckFileCopyInteropTests(SftpTestServer server) => _server = server;

    private string HomePath(string name) => Path.Combine(_server.Home, name);

    [Fact]
    public async Task Paramiko_Check_MatchesHashlib_WholeRangesAndBlocks()
    {
        Directory.CreateDirectory(HomePath("ck"));
        var content = RandomNumberGenerator.GetBytes(1_234_567);
        await File.WriteAllBytesAsync(HomePath("ck/data.bin"), content);
        string script = """
            import sys, hashlib, paramiko
            port, user, password = int(sys.argv[1]), sys.argv[2], sys.argv[3]
            t = paramiko.Transport(("127.0.0.1", port))
            t.connect(username=user, password=password)
            s = paramiko.SFTPClient.from_transport(t)
            data = open(sys.argv[4], "rb").read()
            def blocks(alg, start, length, size):
                end = len(data) if length == 0 else min(len(data), start + length)
                return b"".join(hashlib.new(alg, data[o:min(o + size, end)]).digest() for o in range(start, end, size))
            with s.open("ck/data.bin", "r") as f:
                for alg in ["md5", "sha1", "sha224", "sha256", "sha384", "sha512"]:
                    print(alg, f.check(alg) == hashlib.new(alg, data).digest())
                print("range", f.check("sha256", 1000, 500000) == hashlib.sha256(data[1000:501000]).digest())
                print("blocks", f.check("sha1", 0, 0, 65536) == blocks("sha1", 0, 0, 65536))
                print("range-blocks", f.check("md5", 777, 300000, 4096) == blocks("md5", 777, 300000, 4096))
                print("preference", f.check("crc32,sha512,md5") == hashlib.sha512(data).digest())
                try:
                    f.check("md5", 0, 0, 100)
                    print("small-block accepted")
                except IOError:
                    print("small-block refused")
            from paramiko.py3compat import long
            t2, msg = s._request(paramiko.sftp.CMD_EXTENDED, "check-file-name", "ck/data.bin", "sha256", long(0), long(0), 0)
            print("by-name", msg.get_text() == "check-file", msg.get_text() == "sha256", msg.get_remainder() == hashlib.sha256(data).digest())
            s.close(); t.close()
            """;
        var result = await ProcessRunner.RunAsync(DebianPython, ["-c", script, _server.Port.ToString(CultureInfo.InvariantCulture),
            SftpTestServer.UserName, SftpTestServer.Password, HomePath("ck/data.bin")]);
        Assert.True(result.ExitCode == 0, result.Text + result.StandardError);
        string text = result.Text;
        foreach (var algorithm in new[] { "md5", "sha1", "sha224", "sha256", "sha384", "sha512" })
        {
            Assert.Contains(algorithm + " True", text, StringComparison.Ordinal);
        }
        Assert.Contains("range True", text, StringComparison.Ordinal);
        Assert.Contains("blocks True", text, StringComparison.Ordinal);
        Assert.Contains("range-blocks True", text, StringComparison.Ordinal);
        Assert.Contains("preference True", text, StringComparison.Ordinal);
        Assert.Contains("small-block refused", text, StringComparison.Ordinal);
        Assert.Contains("by-name True True True", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OpenSsh_Cp_CopiesServerSide()
    {
        Directory.CreateDirectory(HomePath("cp"));
        var content = RandomNumberGenerator.GetBytes(5_000_011);
        await File.WriteAllBytesAsync(HomePath("cp/src.bin"), content);
        await File.WriteAllTextAsync(HomePath("cp/old.bin"), "to be replaced");
        string local = Path.Combine(_server.Directory, "cp-local-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(local);
        var result = await _server.SftpBatchAsync(local,
            "cp cp/src.bin cp/copy.bin",
            "cp cp/src.bin cp/old.bin",
            "-cp cp/missing.bin cp/never.bin",
            "ls -l cp");
        Assert.True(result.ExitCode == 0, result.Text + result.StandardError);
        Assert.DoesNotContain("does not support copy-data", result.StandardError, StringComparison.Ordinal);
        Assert.Equal(content, await File.ReadAllBytesAsync(HomePath("cp/copy.bin")));
        Assert.Equal(content, await File.ReadAllBytesAsync(HomePath("cp/old.bin")));
        Assert.Equal(content, await File.ReadAllBytesAsync(HomePath("cp/src.bin")));
        Assert.False(File.Exists(HomePath("cp/never.bin")));
        Assert.Equal(["copy.bin", "old.bin", "src.bin"], Directory.GetFiles(HomePath("cp")).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }
}
