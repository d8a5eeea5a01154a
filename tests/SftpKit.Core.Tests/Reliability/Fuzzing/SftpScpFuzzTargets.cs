using Microsoft.Extensions.Logging.Abstractions;
using SftpKit.FileSystem;
using SftpKit.Scp;
using SftpKit.Sftp;
using SftpKit.Tests.Sftp;

namespace SftpKit.Tests.Reliability.Fuzzing;

/// <summary>
/// The SFTP request decoder and every handler behind it, over an in-memory file system: the input is what the client
/// sends on the channel (INIT, then requests). Seeds: a session as OpenSSH's sftp and paramiko drive it, built with
/// the test wire writer (handles are the session's counter, <c>00000001</c> first, so seeds can use them).
/// </summary>
internal sealed class SftpRequestTarget : FuzzTarget
{
    public override string Name => "sftp";

    public override IReadOnlyList<byte[]> BuildSeeds()
    {
        const uint read = 1, write = 2, create = 8, trunc = 16;
        byte[] h1 = "00000001"u8.ToArray();
        byte[] h2 = "00000002"u8.ToArray();
        static byte[] Init() => SftpWire.Packet(SftpPacketType.Init, 3).ToArray();
        static byte[] Ext(uint id, string name) => SftpWire.Packet(SftpPacketType.Extended, id).String(name).ToArray();
        var upload = new[]
        {
            Init(),
            SftpWire.Packet(SftpPacketType.Realpath, 1).String(".").ToArray(),
            SftpWire.Packet(SftpPacketType.Open, 2).String("/up.bin").UInt32(write | create | trunc).Attrs(4, permissions: 0x1a4).ToArray(),
            SftpWire.Packet(SftpPacketType.Write, 3).Bytes(h1).UInt64(0).Bytes(new byte[3000]).ToArray(),
            SftpWire.Packet(SftpPacketType.Write, 4).Bytes(h1).UInt64(6000).Bytes(new byte[100]).ToArray(),
            SftpWire.Packet(SftpPacketType.Fstat, 5).Bytes(h1).ToArray(),
            SftpWire.Packet(SftpPacketType.Fsetstat, 6).Bytes(h1).Attrs(1, size: 10).ToArray(),
            SftpWire.Packet(SftpPacketType.Close, 7).Bytes(h1).ToArray(),
            SftpWire.Packet(SftpPacketType.Stat, 8).String("/up.bin").ToArray(),
            SftpWire.Packet(SftpPacketType.Rename, 9).String("/up.bin").String("/dir/up2.bin").ToArray(),
            SftpWire.Packet(SftpPacketType.Remove, 10).String("/dir/up2.bin").ToArray(),
        };
        var download = new[]
        {
            Init(),
            SftpWire.Packet(SftpPacketType.Open, 1).String("/a.txt").UInt32(read).Attrs().ToArray(),
            SftpWire.Packet(SftpPacketType.Read, 2).Bytes(h1).UInt64(0).UInt32(32768).ToArray(),
            SftpWire.Packet(SftpPacketType.Read, 3).Bytes(h1).UInt64(4096).UInt32(32768).ToArray(),
            SftpWire.Packet(SftpPacketType.Opendir, 4).String("/dir").ToArray(),
            SftpWire.Packet(SftpPacketType.Readdir, 5).Bytes(h2).ToArray(),
            SftpWire.Packet(SftpPacketType.Readdir, 6).Bytes(h2).ToArray(),
            SftpWire.Packet(SftpPacketType.Close, 7).Bytes(h2).ToArray(),
            SftpWire.Packet(SftpPacketType.Close, 8).Bytes(h1).ToArray(),
        };
        var paths = new[]
        {
            Init(),
            SftpWire.Packet(SftpPacketType.Mkdir, 1).String("/new").Attrs(4, permissions: 0x1ed).ToArray(),
            SftpWire.Packet(SftpPacketType.Symlink, 2).String("/a.txt").String("/new/link").ToArray(),
            SftpWire.Packet(SftpPacketType.Readlink, 3).String("/new/link").ToArray(),
            SftpWire.Packet(SftpPacketType.Lstat, 4).String("/new/link").ToArray(),
            SftpWire.Packet(SftpPacketType.Setstat, 5).String("/a.txt").Attrs(8 | 4, permissions: 0x180).UInt32(1).UInt32(2).ToArray(),
            SftpWire.Packet(SftpPacketType.Remove, 6).String("/new/link").ToArray(),
            SftpWire.Packet(SftpPacketType.Rmdir, 7).String("/new").ToArray(),
            SftpWire.Packet(SftpPacketType.Realpath, 8).String("/dir/../dir/./b").ToArray(),
        };
        var extensions = new[]
        {
            Init(),
            SftpWire.Packet(SftpPacketType.Extended, 1).String(SftpExtensions.PosixRename).String("/a.txt").String("/c.txt").ToArray(),
            SftpWire.Packet(SftpPacketType.Extended, 2).String(SftpExtensions.Statvfs).String("/").ToArray(),
            SftpWire.Packet(SftpPacketType.Extended, 3).String(SftpExtensions.Hardlink).String("/c.txt").String("/d.txt").ToArray(),
            Ext(4, SftpExtensions.Limits),
            SftpWire.Packet(SftpPacketType.Extended, 5).String(SftpExtensions.ExpandPath).String("~/dir").ToArray(),
            SftpWire.Packet(SftpPacketType.Extended, 6).String("home-directory").String("alice").ToArray(),
            SftpWire.Packet(SftpPacketType.Extended, 7).String(SftpExtensions.UsersGroupsById).Bytes([0, 0, 0, 0]).Bytes([0, 0, 0, 0]).ToArray(),
            SftpWire.Packet(SftpPacketType.Extended, 8).String(SftpExtensions.Lsetstat).String("/d.txt").Attrs(4, permissions: 0x1a4).ToArray(),
            SftpWire.Packet(SftpPacketType.Open, 9).String("/c.txt").UInt32(read).Attrs().ToArray(),
            SftpWire.Packet(SftpPacketType.Open, 10).String("/copy.txt").UInt32(write | create).Attrs().ToArray(),
            SftpWire.Packet(SftpPacketType.Extended, 11).String(SftpExtensions.CopyData).Bytes(h1).UInt64(0).UInt64(0).Bytes(h2).UInt64(0).ToArray(),
            SftpWire.Packet(SftpPacketType.Extended, 12).String(SftpExtensions.CheckFileHandle).Bytes(h1).String("md5,sha256").UInt64(0).UInt64(0).UInt32(256).ToArray(),
            SftpWire.Packet(SftpPacketType.Extended, 13).String(SftpExtensions.CheckFileName).String("/c.txt").String("sha1").UInt64(0).UInt64(0).UInt32(0).ToArray(),
            SftpWire.Packet(SftpPacketType.Extended, 14).String(SftpExtensions.Fsync).Bytes(h2).ToArray(),
            SftpWire.Packet(SftpPacketType.Extended, 15).String(SftpExtensions.Fstatvfs).Bytes(h2).ToArray(),
            SftpWire.Packet(SftpPacketType.Extended, 16).String("unknown@example.com").ToArray(),
        };
        return [Concat(upload), Concat(download), Concat(paths), Concat(extensions)];
    }

    private static byte[] Concat(byte[][] packets) => packets.SelectMany(p => p).ToArray();

    public override bool IsExpected(Exception exception) => false; // the session answers every bad input itself

    public override async Task RunAsync(byte[] input, CancellationToken cancellationToken)
    {
        var fs = await PopulatedFileSystemAsync();
        using var stdin = new MemoryStream(input, writable: false);
        await SftpServerStdio.RunAsync(fs, stdin, Stream.Null, new SftpSubsystemOptions(), cancellationToken);
    }

    /// <summary>
    /// An in-memory file system with a 4 MiB capacity. Without one, a single WRITE or copy-data at a 2 GiB offset
    /// grows a file to 2 GiB (the first fuzz failures, kept in FuzzRegressions/sftp): the capacity is the limit an
    /// in-memory backend documents, as quotas are for disks.
    /// </summary>
    internal static async Task<InMemoryFileSystem> PopulatedFileSystemAsync()
    {
        var fs = new InMemoryFileSystem(capacityBytes: 4 * 1024 * 1024);
        await fs.CreateDirectoryAsync("/dir", default);
        foreach (var (path, size) in new[] { ("/a.txt", 5000), ("/dir/b", 10) })
        {
            await using var writer = await fs.OpenWriteAsync(path, new VfsWriteOptions(), default);
            await writer.WriteAsync(new byte[size], default);
            await writer.CompleteAsync(default);
        }
        return fs;
    }
}

/// <summary>
/// Legacy SCP: the sink (<c>scp -t</c>) parses C/D/E/T records and file data, the source (<c>scp -f</c>) parses the
/// client's acknowledgements. Input: byte 0 picks the command line, the rest is the client's stdin.
/// </summary>
internal sealed class ScpProtocolTarget : FuzzTarget
{
    private static readonly string[] s_commands =
    [
        "scp -t /", "scp -r -p -d -t /", "scp -t /dir/new.txt", "scp -f /a.txt", "scp -r -p -f /dir", "scp -p -f /a.txt /dir/b",
    ];

    public override string Name => "scp";

    public override IReadOnlyList<byte[]> BuildSeeds() =>
    [
        [0, .. "C0644 5 a.txt\nhello\0"u8],
        [1, .. "T1600000000 0 1600000001 0\nD0755 0 sub\nC0600 3 f\nabc\0D0700 0 deeper\nC0644 0 empty\n\0E\nE\n"u8],
        [2, .. "C0640 10 x\n0123456789\0"u8],
        [3, 0, 0, 0, 0, 0],
        [4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
        [5, 0, 0, 0, 0, 0, 0, 0, 0],
        [3, 0, 1, .. "no\n"u8],
    ];

    public override bool IsExpected(Exception exception) => exception is ScpProtocolException;

    public override async Task RunAsync(byte[] input, CancellationToken cancellationToken)
    {
        if (input.Length == 0)
        {
            return;
        }
        var fs = await SftpRequestTarget.PopulatedFileSystemAsync();
        var handler = new ScpCommandHandler(new FixedProvider(fs), NullLogger<ScpCommandHandler>.Instance);
        using var stdin = new MemoryStream(input, 1, input.Length - 1, writable: false);
        var context = new SshChannelContext(new SshPrincipal("alice"), null, "fuzz", stdin, Stream.Null, Stream.Null);
        await handler.ExecuteAsync(context, s_commands[input[0] % s_commands.Length], cancellationToken);
    }

    private sealed class FixedProvider(IVirtualFileSystem fs) : ISftpFileSystemProvider
    {
        public ValueTask<IVirtualFileSystem> GetFileSystemAsync(SshPrincipal principal, CancellationToken ct) => ValueTask.FromResult(fs);
    }
}
