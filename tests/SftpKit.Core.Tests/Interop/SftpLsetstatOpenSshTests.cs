namespace SftpKit.Tests.Interop;

/// <summary>
/// OpenSSH's sftp <c>chmod -h</c>, which sends lsetstat@openssh.com (and refuses to run when the server does not
/// announce it), against the real server's local file system.
/// </summary>
public sealed class SftpLsetstatOpenSshTests : IClassFixture<SftpTestServer>, IDisposable
{
    private const UnixFileMode Mode644 = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;
    private const UnixFileMode Mode600 = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    private readonly SftpTestServer _server;
    private readonly string _local = Path.Combine(Path.GetTempPath(), "sftpkit-local-" + Guid.NewGuid().ToString("N")[..12]);

    public SftpLsetstatOpenSshTests(SftpTestServer server)
    {
        _server = server;
        Directory.CreateDirectory(_local);
    }

    public void Dispose() => Directory.Delete(_local, recursive: true);

    [Fact]
    public async Task Chmod_h_on_a_link_leaves_its_target_alone_where_plain_chmod_follows_it()
    {
        string directory = Path.Combine(_server.Home, "lsetstat");
        Directory.CreateDirectory(directory);
        string target = Path.Combine(directory, "target.txt");
        await File.WriteAllTextAsync(target, "content");
        File.SetUnixFileMode(target, Mode644);
        File.CreateSymbolicLink(Path.Combine(directory, "link.txt"), "target.txt");

        var noFollow = await _server.SftpBatchAsync(_local, "chmod -h 600 lsetstat/link.txt");
        Assert.True(noFollow.ExitCode == 0, noFollow.Text + noFollow.StandardError);
        Assert.Equal(Mode644, File.GetUnixFileMode(target));
        Assert.Equal("target.txt", new FileInfo(Path.Combine(directory, "link.txt")).LinkTarget);

        // Control: without -h, sftp sends SETSTAT, which follows the link to the target.
        var follow = await _server.SftpBatchAsync(_local, "chmod 600 lsetstat/link.txt");
        Assert.True(follow.ExitCode == 0, follow.Text + follow.StandardError);
        Assert.Equal(Mode600, File.GetUnixFileMode(target));
    }
}
