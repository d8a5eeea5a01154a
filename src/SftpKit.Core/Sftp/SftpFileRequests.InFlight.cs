using SftpKit.FileSystem;

namespace SftpKit.Sftp;

// Handles of atomic uploads in flight (SftpInFlightUploads): joining one at OPEN, publishing it at the last CLOSE.
internal sealed partial class SftpFileRequests
{
    /// <summary>
    /// A read-only OPEN of a path this session is uploading reads the upload back where the storage can (random
    /// access), holding it like a write handle; elsewhere it opens the stored file.
    /// </summary>
    private async ValueTask<bool> JoinInFlightForReadAsync(SftpFileHandle handle)
    {
        if (!Atomic || context.InFlight.IsEmpty)
        {
            return false;
        }
        while (await context.InFlight.FindAsync(handle.Path) is { } entry)
        {
            if (entry.Upload.Writer is not IVfsRandomAccessWriter)
            {
                return false;
            }
            if (context.InFlight.TryAttach(entry, handle))
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>
    /// An OPEN for writing of a path this session is uploading joins that upload (the file exists for this session:
    /// EXCL fails; TRUNC of data already written is refused, as the upload cannot be cut back).
    /// </summary>
    private async ValueTask<bool> JoinInFlightForWriteAsync(SftpFileHandle handle)
    {
        var flags = handle.Flags;
        if (context.InFlight.IsEmpty)
        {
            return false;
        }
        while (await context.InFlight.FindAsync(handle.Path) is { } entry)
        {
            if ((flags & (SftpOpenFlags.Create | SftpOpenFlags.Exclusive)) == (SftpOpenFlags.Create | SftpOpenFlags.Exclusive))
            {
                throw new VfsException(VfsError.AlreadyExists, "File exists.");
            }
            if ((flags & SftpOpenFlags.Truncate) != 0 && entry.Upload.End > 0)
            {
                throw new VfsException(VfsError.Unsupported, "Cannot truncate a file while it is being uploaded.");
            }
            if (context.InFlight.TryAttach(entry, handle))
            {
                handle.AppendBase = entry.Upload.End;
                return true;
            }
        }
        return false;
    }

    /// <summary>
    /// CLOSE of a handle holding an atomic upload in flight: the last one publishes it (unless it failed or its path
    /// was removed or renamed over meanwhile), then applies the attribute changes recorded for it.
    /// </summary>
    private async ValueTask CloseSharedAsync(SftpFileHandle handle, SftpInFlightUpload shared)
    {
        handle.Upload = null;
        if (!context.InFlight.Release(handle, out _))
        {
            if (shared.Upload.Faulted)
            {
                throw shared.Upload.FaultException();
            }
            return;
        }
        try
        {
            var upload = shared.Upload;
            if (upload.Faulted)
            {
                // A write failed: the client was told so; discard rather than complete a partial upload.
                throw upload.FaultException();
            }
            if (shared.Detached)
            {
                SftpLog.UploadDiscarded(context.Logger, context.SessionId, shared.Path);
                return;
            }
            await upload.FinishAsync(context.Token);
            await upload.Writer.CompleteAsync(context.Token);
            SftpLog.UploadCompleted(context.Logger, context.SessionId, shared.Path, upload.End);
            foreach (var change in shared.PendingChanges)
            {
                await ApplyRecordedChangeAsync(shared.Path, change);
            }
        }
        finally
        {
            try
            {
                await shared.Upload.DisposeAsync();
            }
            finally
            {
                context.InFlight.Finish(shared);
            }
        }
    }

    /// <summary>
    /// Applies a SETSTAT recorded while the upload was in flight. The client was answered OK then; a change this
    /// storage cannot make (chtimes on object storage) is logged, not turned into a failed CLOSE of a published file.
    /// </summary>
    private async ValueTask ApplyRecordedChangeAsync(string path, VfsAttributeChange change)
    {
        try
        {
            await context.Fs.SetInfoAsync(path, change, followLinks: true, context.Token);
        }
        catch (VfsException ex) when (ex.Error == VfsError.Unsupported)
        {
            SftpLog.FileSystemError(context.Logger, context.SessionId, "setstat", ex.Error);
        }
    }
}
