using SftpKit.FileSystem;
using SftpKit.Sftp;
using SftpKit.Tests.FileSystem;

namespace SftpKit.Tests.Sftp;

/// <summary>
/// One well-formed request per row of <see cref="SftpRequestTable"/>, keyed by row name, for the table-driven tests:
/// a row without a sample fails them, so a new extension comes with its sample. Paths name the fixture of
/// <see cref="Fixture"/>; <c>read</c> is a handle open for reading <c>/a.txt</c>, <c>write</c> one open for writing
/// <c>/c.txt</c>, <c>dir</c> one open on <c>/dir</c>.
/// </summary>
internal static class SftpRequestSamples
{
    public const SftpOpenFlags CreateTruncate = SftpOpenFlags.Write | SftpOpenFlags.Create | SftpOpenFlags.Truncate;

    private static readonly Dictionary<string, Func<SftpWire, Handles, SftpWire>> Fields = new(StringComparer.Ordinal)
    {
        ["init"] = static (w, _) => w,
        ["open"] = static (w, _) => w.String("/new.txt").UInt32((uint)CreateTruncate).Attrs(),
        ["close"] = static (w, h) => w.Bytes(h.Write),
        ["read"] = static (w, h) => w.Bytes(h.Read).UInt64(0).UInt32(16),
        ["write"] = static (w, h) => w.Bytes(h.Write).UInt64(0).Bytes("hello"u8),
        ["lstat"] = static (w, _) => w.String("/a.txt"),
        ["fstat"] = static (w, h) => w.Bytes(h.Read),
        ["setstat"] = static (w, _) => w.String("/a.txt").Attrs(4, permissions: 0x1A4),
        ["fsetstat"] = static (w, h) => w.Bytes(h.Write).Attrs(4, permissions: 0x1A4),
        ["opendir"] = static (w, _) => w.String("/dir"),
        ["readdir"] = static (w, h) => w.Bytes(h.Dir),
        ["remove"] = static (w, _) => w.String("/b.txt"),
        ["mkdir"] = static (w, _) => w.String("/newdir").Attrs(),
        ["rmdir"] = static (w, _) => w.String("/dir/empty"),
        ["realpath"] = static (w, _) => w.String("."),
        ["stat"] = static (w, _) => w.String("/a.txt"),
        ["rename"] = static (w, _) => w.String("/b.txt").String("/renamed.txt"),
        ["readlink"] = static (w, _) => w.String("/link"),
        ["symlink"] = static (w, _) => w.String("/a.txt").String("/link2"),
        [SftpExtensions.PosixRename] = static (w, _) => w.String("/b.txt").String("/a.txt"),
        [SftpExtensions.Statvfs] = static (w, _) => w.String("/"),
        [SftpExtensions.Fstatvfs] = static (w, h) => w.Bytes(h.Read),
        [SftpExtensions.Hardlink] = static (w, _) => w.String("/a.txt").String("/hard.txt"),
        [SftpExtensions.Fsync] = static (w, h) => w.Bytes(h.Write),
        [SftpExtensions.Lsetstat] = static (w, _) => w.String("/a.txt").Attrs(4, permissions: 0x1A4),
        [SftpExtensions.Limits] = static (w, _) => w,
        [SftpExtensions.ExpandPath] = static (w, _) => w.String("~/dir"),
        [SftpExtensions.CopyData] = static (w, h) => w.Bytes(h.Read).UInt64(0).UInt64(0).Bytes(h.Write).UInt64(0),
        [SftpExtensions.HomeDirectory] = static (w, _) => w.String("someone"),
        [SftpExtensions.UsersGroupsById] = static (w, _) => w.Bytes([0, 0, 0, 0]).Bytes([0, 0, 0, 0]),
        [SftpExtensions.CheckFile] = static (w, h) => w.Bytes(h.Read).String("md5").UInt64(0).UInt64(0).UInt32(0),
        [SftpExtensions.CheckFileHandle] = static (w, h) => w.Bytes(h.Read).String("sha256").UInt64(0).UInt64(0).UInt32(0),
        [SftpExtensions.CheckFileName] = static (w, _) => w.String("/a.txt").String("sha1").UInt64(0).UInt64(0).UInt32(0),
    };

    /// <summary>The sample of <paramref name="row"/> (type, id, the extension name for EXTENDED, then its fields).</summary>
    public static SftpWire For(SftpRequest row, uint id, Handles handles)
    {
        Assert.True(Fields.TryGetValue(row.Name, out var fields), $"No sample request for the table row '{row.Name}': add one.");
        var wire = SftpWire.Packet(row.Type, id);
        if (row.Type == SftpPacketType.Extended)
        {
            wire.String(row.Name);
        }
        return fields(wire, handles);
    }

    /// <summary>Every row of the table (request types, then extensions) by name.</summary>
    public static IEnumerable<SftpRequest> Rows => SftpRequestTable.Requests.Concat(SftpRequestTable.Extensions);

    public static SftpRequest Row(string name) => Rows.Single(r => r.Name == name);

    /// <summary>A file system with <c>/a.txt</c>, <c>/b.txt</c>, <c>/dir/empty</c> and the symlink <c>/link</c>.</summary>
    public static async Task<InMemoryFileSystem> Fixture()
    {
        var fs = new InMemoryFileSystem();
        fs.AddFile("/a.txt", new byte[1024]);
        fs.AddFile("/b.txt", [1, 2, 3]);
        await fs.CreateDirectoryAsync("/dir", default);
        await fs.CreateDirectoryAsync("/dir/empty", default);
        await fs.CreateSymbolicLinkAsync("/link", "/a.txt", default);
        return fs;
    }

    /// <summary>Handle strings the samples name.</summary>
    public sealed record Handles(byte[] Read, byte[] Write, byte[] Dir)
    {
        /// <summary>Handles no session ever issued (a session hands out 8 hex digits, counting from 1).</summary>
        public static Handles Unknown { get; } = new("ffffffff"u8.ToArray(), "fffffffe"u8.ToArray(), "fffffffd"u8.ToArray());
    }
}
