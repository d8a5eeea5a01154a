using SftpKit.FileSystem;

namespace SftpKit.Sftp;

/// <summary>
/// One atomic upload of a session in flight under its (resolved virtual) path: the upload every write handle of that
/// path shares, the handles that hold it (write handles, and read handles that read it back), and the attribute
/// changes asked for while it is not published yet. It is published when the last of its handles closes; detached
/// (<see cref="Detached"/>) when the path was removed or renamed over by the same connection, it is then discarded.
/// </summary>
internal sealed class SftpInFlightUpload
{
    private readonly List<SftpFileHandle> _handles = [];

    public SftpInFlightUpload(SftpInFlightUploads owner, string path, SftpUpload upload)
    {
        Owner = owner;
        Path = path;
        Upload = upload;
    }

    /// <summary>The session's table the upload is (or was) registered in.</summary>
    public SftpInFlightUploads Owner { get; }

    /// <summary>The resolved virtual path the upload is published under.</summary>
    public string Path { get; }

    public SftpUpload Upload { get; }

    /// <summary>SETSTAT and FSETSTAT changes, applied to the file after it is published.</summary>
    public List<VfsAttributeChange> PendingChanges { get; } = [];

    /// <summary>True once the path was removed or renamed over: the upload is discarded at its last CLOSE.</summary>
    public bool Detached { get; set; }

    /// <summary>Set when the last handle let go: completes once the upload is published or discarded.</summary>
    public TaskCompletionSource? PublishDone { get; set; }

    /// <summary>The publishing of the upload after its last CLOSE, or null while handles hold it.</summary>
    public Task? Publishing => PublishDone?.Task;

    /// <summary>Handles holding the upload (guarded by the owning table's lock).</summary>
    public List<SftpFileHandle> Handles => _handles;

    /// <summary>
    /// The file as this session sees it: the upload's attributes (its size the end of what was written, also on
    /// storage that streams the bytes elsewhere), with the recorded attribute changes on top.
    /// </summary>
    public async ValueTask<VfsFileInfo> GetInfoAsync(CancellationToken cancellationToken)
    {
        var info = await Upload.Writer.GetInfoAsync(cancellationToken);
        info = info with { Name = VirtualPath.GetName(Path), Size = Math.Max(info.Size, Upload.End) };
        List<VfsAttributeChange> changes;
        lock (PendingChanges)
        {
            changes = [.. PendingChanges];
        }
        foreach (var change in changes)
        {
            if (change.Permissions is { } permissions)
            {
                info = info with { Permissions = permissions & 0xFFF };
            }
            if (change.Owner is { } owner)
            {
                info = info with { Uid = owner.Uid, Gid = owner.Gid };
            }
            if (change.Times is { } times)
            {
                info = info with { LastAccessTime = times.Access, LastWriteTime = times.Write };
            }
        }
        return info;
    }

    /// <summary>Records a change for publishing (times, permissions, owner; a size is handled by the caller).</summary>
    public void Record(VfsAttributeChange change)
    {
        lock (PendingChanges)
        {
            PendingChanges.Add(change);
        }
    }
}
