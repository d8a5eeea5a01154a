using System.Collections.Frozen;

namespace SftpKit.Sftp;

/// <summary>
/// The protocol as one table (as OpenSSH sftp-server.c's <c>handlers[]</c> and <c>extended_handlers[]</c>): every
/// request type and every extension is a row (name, announced in VERSION or not, handler, writes or not, handle
/// locator). <see cref="SftpSession"/>'s dispatcher enforces INIT-first, read-only and the write budget from it, and
/// the VERSION reply lists its announced extensions in row order (OpenSSH's order, then check-file). Adding an
/// extension is one row here plus one handler method.
/// </summary>
internal static class SftpRequestTable
{
    /// <summary>The SFTP version served (draft-ietf-secsh-filexfer-02).</summary>
    public const uint ProtocolVersion = 3;

    private static readonly SftpRequest[] RequestRows =
    [
        new(SftpPacketType.Init, "init", null, static (c, id, _) => c.SendVersionAsync(id), SftpWrites.No),
        new(SftpPacketType.Open, "open", null, static (c, id, r) => c.Files.OpenAsync(id, r), SftpWrites.WhenOpenFlagsWrite),
        new(SftpPacketType.Close, "close", null, static (c, id, r) => c.Files.CloseAsync(id, r), SftpWrites.No, SftpRequest.FirstField),
        new(SftpPacketType.Read, "read", null, static (c, id, r) => c.Files.ReadAsync(id, r), SftpWrites.No, SftpRequest.FirstField),
        new(SftpPacketType.Write, "write", null, static (c, id, r) => c.Files.WriteAsync(id, r), SftpWrites.Yes, SftpRequest.FirstField, HoldsWriteData: true),
        new(SftpPacketType.Lstat, "lstat", null, static (c, id, r) => c.Paths.StatAsync(id, r, followLinks: false), SftpWrites.No),
        new(SftpPacketType.Fstat, "fstat", null, static (c, id, r) => c.Files.FstatAsync(id, r), SftpWrites.No, SftpRequest.FirstField),
        new(SftpPacketType.Setstat, "setstat", null, static (c, id, r) => c.Paths.SetstatAsync(id, r, followLinks: true), SftpWrites.Yes),
        new(SftpPacketType.Fsetstat, "fsetstat", null, static (c, id, r) => c.Files.FsetstatAsync(id, r), SftpWrites.Yes, SftpRequest.FirstField),
        new(SftpPacketType.Opendir, "opendir", null, static (c, id, r) => c.Directories.OpendirAsync(id, r), SftpWrites.No),
        new(SftpPacketType.Readdir, "readdir", null, static (c, id, r) => c.Directories.ReaddirAsync(id, r), SftpWrites.No, SftpRequest.FirstField),
        new(SftpPacketType.Remove, "remove", null, static (c, id, r) => c.Paths.DeleteAsync(id, r, directory: false), SftpWrites.Yes),
        new(SftpPacketType.Mkdir, "mkdir", null, static (c, id, r) => c.Paths.MkdirAsync(id, r), SftpWrites.Yes),
        new(SftpPacketType.Rmdir, "rmdir", null, static (c, id, r) => c.Paths.DeleteAsync(id, r, directory: true), SftpWrites.Yes),
        new(SftpPacketType.Realpath, "realpath", null, static (c, id, r) => c.Paths.RealpathAsync(id, r), SftpWrites.No),
        new(SftpPacketType.Stat, "stat", null, static (c, id, r) => c.Paths.StatAsync(id, r, followLinks: true), SftpWrites.No),
        new(SftpPacketType.Rename, "rename", null, static (c, id, r) => c.Paths.RenameAsync(id, r, overwrite: false), SftpWrites.Yes),
        new(SftpPacketType.Readlink, "readlink", null, static (c, id, r) => c.Paths.ReadlinkAsync(id, r), SftpWrites.No),
        new(SftpPacketType.Symlink, "symlink", null, static (c, id, r) => c.Paths.SymlinkAsync(id, r), SftpWrites.Yes),
    ];

    /// <summary>EXTENDED requests by name; announced ones in the order VERSION lists them.</summary>
    private static readonly SftpRequest[] ExtensionRows =
    [
        new(SftpPacketType.Extended, SftpExtensions.PosixRename, "1", static (c, id, r) => c.Paths.RenameAsync(id, r, overwrite: true), SftpWrites.Yes),
        new(SftpPacketType.Extended, SftpExtensions.Statvfs, "2", static (c, id, r) => c.Storage.StatvfsAsync(id, r), SftpWrites.No),
        new(SftpPacketType.Extended, SftpExtensions.Fstatvfs, "2", static (c, id, r) => c.Storage.FstatvfsAsync(id, r), SftpWrites.No, SftpRequest.FirstField),
        new(SftpPacketType.Extended, SftpExtensions.Hardlink, "1", static (c, id, r) => c.Paths.HardlinkAsync(id, r), SftpWrites.Yes),
        new(SftpPacketType.Extended, SftpExtensions.Fsync, "1", static (c, id, r) => c.Files.FsyncAsync(id, r), SftpWrites.Yes, SftpRequest.FirstField),
        new(SftpPacketType.Extended, SftpExtensions.Lsetstat, "1", static (c, id, r) => c.Paths.SetstatAsync(id, r, followLinks: false), SftpWrites.Yes),
        new(SftpPacketType.Extended, SftpExtensions.Limits, "1", static (c, id, _) => c.Storage.LimitsAsync(id), SftpWrites.No),
        new(SftpPacketType.Extended, SftpExtensions.ExpandPath, "1", static (c, id, r) => c.Paths.ExpandPathAsync(id, r), SftpWrites.No),
        new(SftpPacketType.Extended, SftpExtensions.CopyData, "1", static (c, id, r) => c.CopyData.CopyDataAsync(id, r), SftpWrites.Yes, SftpCopyDataRequest.TargetHandle),
        new(SftpPacketType.Extended, SftpExtensions.HomeDirectory, "1", static (c, id, r) => c.Paths.HomeDirectoryAsync(id, r), SftpWrites.No),
        new(SftpPacketType.Extended, SftpExtensions.UsersGroupsById, "1", static (c, id, r) => c.Storage.UsersGroupsByIdAsync(id, r), SftpWrites.No),
        // Announced with the hash algorithms it serves (WinSCP looks for the name); paramiko sends the handle form
        // under this name.
        new(SftpPacketType.Extended, SftpExtensions.CheckFile, string.Join(',', SftpCheckFileHash.Supported),
            static (c, id, r) => c.CheckFile.CheckFileAsync(id, r, byHandle: true), SftpWrites.No, SftpRequest.FirstField),
        new(SftpPacketType.Extended, SftpExtensions.CheckFileHandle, null,
            static (c, id, r) => c.CheckFile.CheckFileAsync(id, r, byHandle: true), SftpWrites.No, SftpRequest.FirstField),
        new(SftpPacketType.Extended, SftpExtensions.CheckFileName, null, static (c, id, r) => c.CheckFile.CheckFileAsync(id, r, byHandle: false), SftpWrites.No),
    ];

    private static readonly SftpRequest?[] ByType = BuildByType();

    private static readonly FrozenDictionary<string, SftpRequest> ByName =
        ExtensionRows.ToFrozenDictionary(static row => row.Name, StringComparer.Ordinal);

    /// <summary>Every request type's row (INIT included).</summary>
    public static IReadOnlyList<SftpRequest> Requests => RequestRows;

    /// <summary>Every extension's row, announced ones in VERSION order.</summary>
    public static IReadOnlyList<SftpRequest> Extensions => ExtensionRows;

    /// <summary>The row of a request type (an array index); null for EXTENDED, replies and unknown types.</summary>
    public static SftpRequest? Find(SftpPacketType type) => ByType[(byte)type];

    /// <summary>The row of an extension; null when none has that name.</summary>
    public static SftpRequest? FindExtension(string name) => ByName.GetValueOrDefault(name);

    /// <summary>
    /// The row a request runs: by type, or for EXTENDED by the name <paramref name="reader"/> reads (leaving it at
    /// the extension's own fields).
    /// </summary>
    public static SftpRequest? Resolve(SftpPacketType type, ref SftpPayloadReader reader)
        => type == SftpPacketType.Extended ? FindExtension(reader.ReadString()) : Find(type);

    /// <summary>A reader at a request's own fields: after the type and id, and for EXTENDED after the name too.</summary>
    public static SftpPayloadReader FieldsOf(SftpPacket packet)
    {
        var reader = packet.CreateReader();
        if (packet.Type == SftpPacketType.Extended)
        {
            reader.ReadBytes();
        }
        return reader;
    }

    /// <summary>VERSION: the protocol version, then the name and version string of every announced extension.</summary>
    public static SftpResponse CreateVersionReply()
    {
        var response = SftpResponse.CreateVersion(ProtocolVersion);
        foreach (var row in ExtensionRows)
        {
            if (row.Announced is { } version)
            {
                response.WriteString(row.Name);
                response.WriteString(version);
            }
        }
        return response;
    }

    private static SftpRequest?[] BuildByType()
    {
        var table = new SftpRequest?[256];
        foreach (var row in RequestRows)
        {
            table[(byte)row.Type] = row;
        }
        return table;
    }
}
