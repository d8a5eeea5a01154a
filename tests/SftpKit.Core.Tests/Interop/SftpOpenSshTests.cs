using System.Diagnostics;
using System.Security.Cryptography;

namespace SftpKit.Tests.Interop;

/// <summary>OpenSSH's sftp and scp (SFTP mode) against the real server.</summary>
public sealed class SftpOpenSshTests : IClassFixture<SftpTestServer>, IDisposable
{
    private readonly SftpTestServer _server;
    private readonly string _local = Path.Combine(Path.GetTempPath(), "sftpkit-local-" + Guid.NewGuid().ToString("N")[..12]);

    public SftpOpenSshTests(SftpTestServer server)
    {
        _server = server;
        Directory.CreateDirectory(_local);
    }

    private static string Hash(string path) => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(path)));

    private string Local(string name) => Path.Combine(_local, name);

    private string HomePath(string name) => Path.Combine(_server.Home, name);

    [Fact]
    public async Task Sftp_Batch_PutGetResumeListRenameChmodLinksDf()
    {
        var content = RandomNumberGenerator.GetBytes(3_000_000 + 17);
        await File.WriteAllBytesAsync(Local("big.bin"), content);
        await File.WriteAllBytesAsync(Local("part.bin"), content[..1_000_000]);
        await File.WriteAllBytesAsync(Local("part-down.bin"), content[..700_000]);
        await File.WriteAllTextAsync(Local("a.txt"), "alpha");
        await File.WriteAllTextAsync(Local("b.txt"), "beta");

        var result = await _server.SftpBatchAsync(_local,
            "mkdir t1",
            "cd t1",
            "put big.bin",
            "put part.bin resumed.bin",
            "reput big.bin resumed.bin",
            "put *.txt",
            "ls -l",
            "get big.bin big-down.bin",
            "reget big.bin part-down.bin",
            "rename a.txt renamed.txt",
            "chmod 600 renamed.txt",
            "symlink big.bin link.bin",
            "ln big.bin hard.bin",
            "ls -l",
            "df",
            "get link.bin via-link.bin",
            "rm link.bin",
            "rm hard.bin",
            "mkdir sub",
            "rmdir sub",
            "rm *.txt");
        Assert.True(result.ExitCode == 0, result.Text + result.StandardError);
        string listing = result.Text;
        Assert.Matches(@"-rw-r--r--\s+\?\s+\d+\s+\d+\s+3000017 \w{3} [ \d]\d \d\d:\d\d big.bin", listing);
        Assert.Contains("link.bin", listing, StringComparison.Ordinal);
        Assert.Contains("Avail", listing, StringComparison.Ordinal);

        string hash = Convert.ToHexString(SHA256.HashData(content));
        Assert.Equal(hash, Hash(HomePath("t1/big.bin")));
        Assert.Equal(hash, Hash(HomePath("t1/resumed.bin")));
        Assert.Equal(hash, Hash(Local("big-down.bin")));
        Assert.Equal(hash, Hash(Local("part-down.bin")));
        Assert.Equal(hash, Hash(Local("via-link.bin")));
        Assert.False(File.Exists(HomePath("t1/renamed.txt")));
        Assert.False(File.Exists(HomePath("t1/b.txt")));
        Assert.False(Directory.Exists(HomePath("t1/sub")));
    }

    [Fact]
    public async Task Sftp_Rename_UsesPosixRename_WhichOverwrites()
    {
        Directory.CreateDirectory(HomePath("t2"));
        await File.WriteAllTextAsync(HomePath("t2/x"), "x");
        await File.WriteAllTextAsync(HomePath("t2/y"), "y");
        // OpenSSH's sftp uses posix-rename when offered, which overwrites; plain RENAME does not.
        var result = await _server.SftpBatchAsync(_local, "rename t2/x t2/y");
        Assert.True(result.ExitCode == 0, result.StandardError);
        Assert.Equal("x", await File.ReadAllTextAsync(HomePath("t2/y")));
    }

    [Fact]
    public async Task Scp_UploadDownload_SftpMode()
    {
        var content = RandomNumberGenerator.GetBytes(1_234_567);
        await File.WriteAllBytesAsync(Local("scp.bin"), content);
        var up = await _server.ScpAsync(Local("scp.bin"), _server.Remote("scp-up.bin"));
        Assert.True(up.ExitCode == 0, up.StandardError);
        Assert.Equal(content, await File.ReadAllBytesAsync(HomePath("scp-up.bin")));
        var down = await _server.ScpAsync(_server.Remote("~/scp-up.bin"), Local("scp-down.bin"));
        Assert.True(down.ExitCode == 0, down.StandardError);
        Assert.Equal(content, await File.ReadAllBytesAsync(Local("scp-down.bin")));
    }

    [Fact]
    public async Task Client_KilledMidUpload_LeavesNoFile()
    {
        var content = RandomNumberGenerator.GetBytes(64 * 1024 * 1024);
        await File.WriteAllBytesAsync(Local("huge.bin"), content);
        string batch = Path.Combine(_local, "kill-batch");
        await File.WriteAllLinesAsync(batch, ["put huge.bin killed.bin"]);
        var info = new ProcessStartInfo("sftp") { WorkingDirectory = _local, UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "-b", batch, "-l", "200000" }.Concat(_server.ClientOptions()).Append($"{SftpTestServer.UserName}@127.0.0.1"))
        {
            info.ArgumentList.Add(a);
        }
        using var process = Process.Start(info)!;
        // Wait until the server holds part of the upload aside, then kill the client.
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline && !HasPartialUpload())
        {
            await Task.Delay(50);
        }
        bool sawPartial = HasPartialUpload();
        process.Kill(entireProcessTree: true);
        await process.WaitForExitAsync();
        Assert.True(sawPartial, "the upload never started");
        var settle = DateTime.UtcNow.AddSeconds(10);
        while (DateTime.UtcNow < settle && HasPartialUpload())
        {
            await Task.Delay(100);
        }
        Assert.False(File.Exists(HomePath("killed.bin")));
        Assert.False(HasPartialUpload(), "the temporary upload was not removed");
    }

    private bool HasPartialUpload() => Directory.EnumerateFiles(_server.Home, ".sftpkit-*", SearchOption.AllDirectories).Any();

    public void Dispose()
    {
        try
        {
            Directory.Delete(_local, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
