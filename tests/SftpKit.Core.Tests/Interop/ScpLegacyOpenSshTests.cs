using System.Security.Cryptography;
using System.Text;
using Renci.SshNet;

namespace SftpKit.Tests.Interop;

/// <summary>
/// Legacy SCP (<c>scp -O</c>, the rcp protocol over exec) and the shell-free hash commands, driven by the real
/// OpenSSH client, the real coreutils md5sum and SSH.NET for raw hostile input.
/// </summary>
public sealed class ScpLegacyOpenSshTests : IClassFixture<SftpTestServer>
{
    private readonly SftpTestServer _server;

    public ScpLegacyOpenSshTests(SftpTestServer server) => _server = server;

    private string HomePath(string name) => Path.Combine(_server.Home, name);

    private string NewLocalDirectory()
    {
        string local = Path.Combine(_server.Directory, "local-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(local);
        return local;
    }

    private Task<ProcessRunner.Result> ScpLegacyAsync(params string[] args) => _server.ScpAsync(["-O", .. args]);

    private Task<ProcessRunner.Result> SshAsync(string command)
    {
        var args = _server.ClientOptions();
        args[args.IndexOf("-P")] = "-p";
        args.Add($"{SftpTestServer.UserName}@127.0.0.1");
        args.Add(command);
        return ProcessRunner.RunAsync("ssh", args);
    }

    private static string Sha256(string file) => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(file)));

    [Fact]
    public async Task Legacy_UploadDownload_SingleFile()
    {
        string local = NewLocalDirectory();
        string name = "legacy-" + Guid.NewGuid().ToString("N")[..8] + ".bin";
        await File.WriteAllBytesAsync(Path.Combine(local, "up.bin"), RandomNumberGenerator.GetBytes(1_500_007));
        var up = await ScpLegacyAsync(Path.Combine(local, "up.bin"), _server.Remote(name));
        Assert.True(up.ExitCode == 0, up.StandardError);
        Assert.Equal(Sha256(Path.Combine(local, "up.bin")), Sha256(HomePath(name)));
        var down = await ScpLegacyAsync(_server.Remote(name), Path.Combine(local, "down.bin"));
        Assert.True(down.ExitCode == 0, down.StandardError);
        Assert.Equal(Sha256(Path.Combine(local, "up.bin")), Sha256(Path.Combine(local, "down.bin")));
    }

    [Fact]
    public async Task Legacy_Recursive_DirectoryTree()
    {
        string local = NewLocalDirectory();
        string tree = Path.Combine(local, "tree");
        Directory.CreateDirectory(Path.Combine(tree, "sub", "deeper"));
        Directory.CreateDirectory(Path.Combine(tree, "empty"));
        await File.WriteAllBytesAsync(Path.Combine(tree, "a.bin"), RandomNumberGenerator.GetBytes(70_000));
        await File.WriteAllBytesAsync(Path.Combine(tree, "sub", "b.bin"), RandomNumberGenerator.GetBytes(3));
        await File.WriteAllBytesAsync(Path.Combine(tree, "sub", "deeper", "c.bin"), []);
        string remote = "tree-" + Guid.NewGuid().ToString("N")[..8];

        var up = await ScpLegacyAsync("-r", tree, _server.Remote(remote));
        Assert.True(up.ExitCode == 0, up.StandardError);
        foreach (string rel in new[] { "a.bin", "sub/b.bin", "sub/deeper/c.bin" })
        {
            Assert.Equal(Sha256(Path.Combine(tree, rel)), Sha256(Path.Combine(HomePath(remote), rel)));
        }
        Assert.True(Directory.Exists(Path.Combine(HomePath(remote), "empty")));

        string back = Path.Combine(local, "back");
        var down = await ScpLegacyAsync("-r", _server.Remote(remote), back);
        Assert.True(down.ExitCode == 0, down.StandardError);
        foreach (string rel in new[] { "a.bin", "sub/b.bin", "sub/deeper/c.bin" })
        {
            Assert.Equal(Sha256(Path.Combine(tree, rel)), Sha256(Path.Combine(back, rel)));
        }
    }

    [Fact]
    public async Task Legacy_PreserveTimes_BothWays()
    {
        string local = NewLocalDirectory();
        string file = Path.Combine(local, "old.txt");
        await File.WriteAllTextAsync(file, "from 2001");
        var mtime = new DateTime(2001, 9, 9, 1, 46, 40, DateTimeKind.Utc);
        File.SetLastWriteTimeUtc(file, mtime);
        string name = "preserved-" + Guid.NewGuid().ToString("N")[..8] + ".txt";

        var up = await ScpLegacyAsync("-p", file, _server.Remote(name));
        Assert.True(up.ExitCode == 0, up.StandardError);
        Assert.Equal(mtime, File.GetLastWriteTimeUtc(HomePath(name)));

        var down = await ScpLegacyAsync("-p", _server.Remote(name), Path.Combine(local, "copy.txt"));
        Assert.True(down.ExitCode == 0, down.StandardError);
        Assert.Equal(mtime, File.GetLastWriteTimeUtc(Path.Combine(local, "copy.txt")));
    }

    [Fact]
    public async Task Legacy_DownloadMissing_Fails()
    {
        string local = NewLocalDirectory();
        var down = await ScpLegacyAsync(_server.Remote("no-such-file"), Path.Combine(local, "x"));
        Assert.NotEqual(0, down.ExitCode);
        Assert.Contains("No such file or directory", down.StandardError, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(local, "x")));
    }

    [Theory]
    [InlineData("md5sum")]
    [InlineData("sha1sum")]
    [InlineData("sha256sum")]
    [InlineData("sha512sum")]
    public async Task HashCommand_MatchesCoreutils(string command)
    {
        string name = "hash me " + Guid.NewGuid().ToString("N")[..8] + ".bin";
        await File.WriteAllBytesAsync(HomePath(name), RandomNumberGenerator.GetBytes(300_001));
        var local = await ProcessRunner.RunAsync(command, [HomePath(name)]);
        Assert.Equal(0, local.ExitCode);
        string expectedHex = local.Text.Split(' ')[0];

        var remote = await SshAsync($"{command} '{name}'");
        Assert.True(remote.ExitCode == 0, remote.StandardError);
        Assert.Equal($"{expectedHex}  {name}\n", remote.Text);
    }

    [Fact]
    public async Task HashCommand_MissingFile_Exit1()
    {
        var remote = await SshAsync("md5sum no-such-file");
        Assert.Equal(1, remote.ExitCode);
        Assert.Contains("md5sum: no-such-file: No such file or directory", remote.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Probes_EchoPwdCd_AndShellSyntaxRefused()
    {
        var echo = await SshAsync("echo hello 'two  words'");
        Assert.Equal((0, "hello two  words\n"), (echo.ExitCode, echo.Text));
        var pwd = await SshAsync("cd && pwd");
        Assert.Equal((0, "/\n"), (pwd.ExitCode, pwd.Text));
        var pipe = await SshAsync("md5sum x | sh");
        Assert.Equal(127, pipe.ExitCode);
        Assert.Contains("no shell", pipe.StandardError, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("../evil")]
    [InlineData("a/b")]
    [InlineData("..")]
    public void HostileName_FromRawClient_Rejected_NothingWritten(string name)
    {
        using var client = new SshClient("127.0.0.1", _server.Port, SftpTestServer.UserName, SftpTestServer.Password);
        client.HostKeyReceived += (_, e) => e.CanTrust = true;
        client.Connect();
        using var command = client.CreateCommand("scp -t /");
        var pending = command.BeginExecute();
        using (var input = command.CreateInputStream())
        {
            input.Write(Encoding.UTF8.GetBytes($"C0644 3 {name}\nabc\0"));
        }
        command.EndExecute(pending);
        Assert.Equal(1, command.ExitStatus);
        Assert.Contains("unexpected filename", command.Result, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_server.Directory, "evil")));
        Assert.False(File.Exists(Path.Combine(_server.Home, "a", "b")));
        Assert.Empty(Directory.EnumerateFileSystemEntries(_server.Home, "evil*", SearchOption.AllDirectories));
    }
}
