using SftpKit.FileSystem;

namespace SftpKit.Sftp;

/// <summary>
/// An OPEN handle: a reader, an upload, or both (read-write). When an existing file is opened for writing without
/// TRUNC the upload is opened at the first WRITE, whose offset tells resume (at the current size) from overwrite.
/// Attribute changes asked for while an atomic upload is open wait until it is published.
/// </summary>
internal sealed class SftpFileHandle : SftpHandle
{
    public SftpFileHandle(string path, SftpOpenFlags flags)
        : base(path)
    {
        Flags = flags;
    }

    public SftpOpenFlags Flags { get; }

    public bool CanRead => (Flags & SftpOpenFlags.Read) != 0 || !CanWrite;

    public bool CanWrite => (Flags & (SftpOpenFlags.Write | SftpOpenFlags.Append)) != 0;

    public IVfsReader? Reader { get; set; }

    public SftpUpload? Upload { get; set; }

    /// <summary>Size of the existing file while the upload waits for its first WRITE; null otherwise.</summary>
    public long? DeferredSize { get; set; }

    /// <summary>Size of the file when opened with APPEND: WRITEs below it go to the end instead (O_APPEND).</summary>
    public long AppendBase { get; set; }

    /// <summary>Permission bits from OPEN for a file it creates.</summary>
    public uint CreatePermissions { get; set; } = 0x1A4;

    /// <summary>FSETSTAT changes applied after the upload completes.</summary>
    public List<VfsAttributeChange> PendingChanges { get; } = [];

    public override async ValueTask DisposeAsync()
    {
        if (Upload is not null)
        {
            await Upload.DisposeAsync();
            Upload = null;
        }
        if (Reader is not null)
        {
            await Reader.DisposeAsync();
            Reader = null;
        }
    }
}
