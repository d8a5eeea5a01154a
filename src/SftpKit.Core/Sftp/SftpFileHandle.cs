using SftpKit.FileSystem;

namespace SftpKit.Sftp;

/// <summary>
/// An OPEN handle: a reader, an upload, or both (read-write). When an existing file is opened for writing without
/// TRUNC the upload is opened at the first WRITE, whose offset tells resume (at the current size) from overwrite.
/// An atomic upload is shared with the session's other handles of the same path (<see cref="InFlight"/>).
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

    /// <summary>The session's atomic upload of this path this handle holds (shared by its handles), or null.</summary>
    public SftpInFlightUpload? InFlight { get; set; }

    /// <summary>Size of the existing file while the upload waits for its first WRITE; null otherwise.</summary>
    public long? DeferredSize { get; set; }

    /// <summary>Size of the file when opened with APPEND: WRITEs below it go to the end instead (O_APPEND).</summary>
    public long AppendBase { get; set; }

    /// <summary>Permission bits from OPEN for a file it creates.</summary>
    public uint CreatePermissions { get; set; } = 0x1A4;

    /// <summary>Lets the upload go: a shared one is discarded only when this was its last handle (no CLOSE published it).</summary>
    public override async ValueTask DisposeAsync()
    {
        if (InFlight is { } shared)
        {
            Upload = null;
            if (shared.Owner.Release(this, out _))
            {
                try
                {
                    await shared.Upload.DisposeAsync();
                }
                finally
                {
                    shared.Owner.Finish(shared);
                }
            }
        }
        else if (Upload is not null)
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
