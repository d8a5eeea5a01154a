using System.Globalization;
using System.Security.Cryptography;

namespace SftpKit.Tests.Interop;

/// <summary>asyncssh's SFTP client (Debian python3-asyncssh) against the real server, every extension it uses.</summary>
public sealed class SftpAsyncsshTests : IClassFixture<SftpTestServer>
{
    private const string DebianPython = "/usr/bin/python3";
    private readonly SftpTestServer _server;

    public SftpAsyncsshTests(SftpTestServer server) => _server = server;

    private string HomePath(string name) => Path.Combine(_server.Home, name);

    private async Task<ProcessRunner.Result> RunAsync(string body, params string[] extra)
    {
        // One connection, one SFTP client; the body runs with `s` bound to it and prints what the test asserts.
        string script = "import sys, asyncio, hashlib, asyncssh\n"
            + "async def main(port, user, password, *extra):\n"
            + "    async with asyncssh.connect('127.0.0.1', port=int(port), username=user, password=password, known_hosts=None,\n"
            + "                                client_keys=None, agent_path=None) as conn:\n"
            + "        async with conn.start_sftp_client() as s:\n"
            + string.Join('\n', body.Split('\n').Select(line => "            " + line)) + "\n"
            + "asyncio.run(asyncio.wait_for(main(*sys.argv[1:]), 60))\n";
        return await ProcessRunner.RunAsync(DebianPython, ["-W", "ignore", "-c", script,
            _server.Port.ToString(CultureInfo.InvariantCulture), SftpTestServer.UserName, SftpTestServer.Password, .. extra]);
    }

    [Fact]
    public async Task Asyncssh_PutGet_Listing_Realpath_Append_Truncate()
    {
        string local = Path.Combine(_server.Directory, "as-local-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(local);
        var content = RandomNumberGenerator.GetBytes(1_500_007);
        await File.WriteAllBytesAsync(Path.Combine(local, "up.bin"), content);
        var result = await RunAsync("""
            local = extra[0]
            await s.mkdir('as1')
            await s.put(local + '/up.bin', 'as1/up.bin')
            await s.get('as1/up.bin', local + '/down.bin')
            async with s.open('as1/note.txt', 'w') as f:
                await f.write('hello')
            async with s.open('as1/note.txt', 'a') as f:
                await f.write(' world')
            async with s.open('as1/note.txt', 'r') as f:
                print('content', await f.read())
            await s.truncate('as1/note.txt', 4)
            print('truncated', (await s.stat('as1/note.txt')).size)
            print('listing', sorted(await s.listdir('as1')))
            names = [n for n in await s.readdir('as1') if n.filename not in ('.', '..')]
            print('names', sorted((n.filename, n.longname[:1], n.attrs.size) for n in names))
            print('realpath', await s.realpath('as1/../as1/./x'))
            print('isdir', await s.isdir('as1'), await s.isfile('as1/up.bin'))
            print('size', (await s.stat('as1/up.bin')).size)
            """, local);
        Assert.True(result.ExitCode == 0, result.Text + result.StandardError);
        string text = result.Text;
        Assert.Contains("content hello world", text, StringComparison.Ordinal);
        Assert.Contains("truncated 4", text, StringComparison.Ordinal);
        Assert.Contains("listing ['note.txt', 'up.bin']", text, StringComparison.Ordinal);
        Assert.Contains("names [('note.txt', '-', 4), ('up.bin', '-', 1500007)]", text, StringComparison.Ordinal);
        Assert.Contains("realpath /as1/x", text, StringComparison.Ordinal);
        Assert.Contains("isdir True True", text, StringComparison.Ordinal);
        Assert.Contains("size 1500007", text, StringComparison.Ordinal);
        Assert.Equal(content, await File.ReadAllBytesAsync(Path.Combine(local, "down.bin")));
        Assert.Equal(content, await File.ReadAllBytesAsync(HomePath("as1/up.bin")));
        Assert.Equal("hell", await File.ReadAllTextAsync(HomePath("as1/note.txt")));
    }

    [Fact]
    public async Task Asyncssh_Extensions_Statvfs_Hardlink_Fsync_PosixRename()
    {
        var result = await RunAsync("""
            await s.mkdir('as2')
            async with s.open('as2/a.txt', 'w') as f:
                await f.write('first')
                await f.fsync()
                print('fstatvfs', (await f.statvfs()).bsize > 0)
            v = await s.statvfs('.')
            print('statvfs', v.bsize > 0, v.blocks > 0, v.namemax)
            await s.link('as2/a.txt', 'as2/hard.txt')
            async with s.open('as2/hard.txt') as f:
                print('linked', await f.read())
            async with s.open('as2/b.txt', 'w') as f:
                await f.write('second')
            await s.posix_rename('as2/b.txt', 'as2/a.txt')
            async with s.open('as2/a.txt') as f:
                print('renamed', await f.read())
            async with s.open('as2/hard.txt') as f:
                print('hard', await f.read())
            """);
        Assert.True(result.ExitCode == 0, result.Text + result.StandardError);
        string text = result.Text;
        Assert.Contains("fstatvfs True", text, StringComparison.Ordinal);
        Assert.Contains("statvfs True True 255", text, StringComparison.Ordinal);
        Assert.Contains("linked first", text, StringComparison.Ordinal);
        Assert.Contains("renamed second", text, StringComparison.Ordinal);
        Assert.Contains("hard first", text, StringComparison.Ordinal);
        Assert.Equal("second", await File.ReadAllTextAsync(HomePath("as2/a.txt")));
        Assert.Equal("first", await File.ReadAllTextAsync(HomePath("as2/hard.txt")));
    }

    [Fact]
    public async Task Asyncssh_Symlink_Readlink()
    {
        await File.WriteAllTextAsync(HomePath("as3-target.txt"), "via link");
        // asyncssh sends SYMLINK in the draft's order (link, target) unless the server's SSH version names OpenSSH or
        // paramiko; SftpKit reads OpenSSH's order (target, link), so with the default ServerVersion asyncssh's own
        // order is refused (the "link" it names exists) and nothing is created. Its OpenSSH mode works end to end.
        var result = await RunAsync("""
            try:
                await s.symlink('as3-target.txt', 'as3-draft-link')
                print('draft order accepted')
            except asyncssh.SFTPFailure as e:
                print('draft order refused', e.reason)
            s._handler._nonstandard_symlink = True
            await s.symlink('as3-target.txt', 'as3-link')
            print('readlink', await s.readlink('as3-link'))
            print('islink', await s.islink('as3-link'))
            async with s.open('as3-link') as f:
                print('through', await f.read())
            """);
        Assert.True(result.ExitCode == 0, result.Text + result.StandardError);
        Assert.Contains("draft order refused File exists", result.Text, StringComparison.Ordinal);
        Assert.False(Path.Exists(HomePath("as3-draft-link")));
        Assert.Contains("readlink as3-target.txt", result.Text, StringComparison.Ordinal);
        Assert.Contains("islink True", result.Text, StringComparison.Ordinal);
        Assert.Contains("through via link", result.Text, StringComparison.Ordinal);
        Assert.Equal("as3-target.txt", new FileInfo(HomePath("as3-link")).LinkTarget);
        Assert.Equal("via link", await File.ReadAllTextAsync(HomePath("as3-target.txt")));
    }
}
