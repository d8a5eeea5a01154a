namespace SftpKit.Sftp;

/// <summary>One row of the dispatch table: what a request is called, who handles it, and whether it writes.</summary>
internal sealed record SftpRequest(string Name, Func<SftpSession, SftpPacket, Task> Handler, bool IsWrite, bool TakesHandle = false);

/// <summary>
/// The one dispatch table (as OpenSSH sftp-server.c's <c>handlers[]</c>): request type → name, handler, does-write.
/// INIT is handled by the session itself, before anything else is accepted.
/// </summary>
internal static class SftpRequestTable
{
    private static readonly SftpRequest?[] Table = Build();

    public static SftpRequest? Find(SftpPacketType type) => Table[(byte)type];

    private static SftpRequest?[] Build()
    {
        var table = new SftpRequest?[256];
        void Add(SftpPacketType type, string name, Func<SftpSession, SftpPacket, Task> handler, bool isWrite, bool takesHandle = false)
            => table[(byte)type] = new SftpRequest(name, handler, isWrite, takesHandle);

        Add(SftpPacketType.Open, "open", static (s, p) => s.OpenAsync(p), isWrite: false);
        Add(SftpPacketType.Close, "close", static (s, p) => s.CloseAsync(p), isWrite: false, takesHandle: true);
        Add(SftpPacketType.Read, "read", static (s, p) => s.ReadAsync(p), isWrite: false, takesHandle: true);
        Add(SftpPacketType.Write, "write", static (s, p) => s.WriteAsync(p), isWrite: true, takesHandle: true);
        Add(SftpPacketType.Lstat, "lstat", static (s, p) => s.StatAsync(p, followLinks: false), isWrite: false);
        Add(SftpPacketType.Fstat, "fstat", static (s, p) => s.FstatAsync(p), isWrite: false, takesHandle: true);
        Add(SftpPacketType.Setstat, "setstat", static (s, p) => s.SetstatAsync(p, followLinks: true), isWrite: true);
        Add(SftpPacketType.Fsetstat, "fsetstat", static (s, p) => s.FsetstatAsync(p), isWrite: true, takesHandle: true);
        Add(SftpPacketType.Opendir, "opendir", static (s, p) => s.OpendirAsync(p), isWrite: false);
        Add(SftpPacketType.Readdir, "readdir", static (s, p) => s.ReaddirAsync(p), isWrite: false, takesHandle: true);
        Add(SftpPacketType.Remove, "remove", static (s, p) => s.RemoveAsync(p), isWrite: true);
        Add(SftpPacketType.Mkdir, "mkdir", static (s, p) => s.MkdirAsync(p), isWrite: true);
        Add(SftpPacketType.Rmdir, "rmdir", static (s, p) => s.RmdirAsync(p), isWrite: true);
        Add(SftpPacketType.Realpath, "realpath", static (s, p) => s.RealpathAsync(p), isWrite: false);
        Add(SftpPacketType.Stat, "stat", static (s, p) => s.StatAsync(p, followLinks: true), isWrite: false);
        Add(SftpPacketType.Rename, "rename", static (s, p) => s.RenameAsync(p), isWrite: true);
        Add(SftpPacketType.Readlink, "readlink", static (s, p) => s.ReadlinkAsync(p), isWrite: false);
        Add(SftpPacketType.Symlink, "symlink", static (s, p) => s.SymlinkAsync(p), isWrite: true);
        Add(SftpPacketType.Extended, "extended", static (s, p) => s.ExtendedAsync(p), isWrite: false);
        return table;
    }
}
