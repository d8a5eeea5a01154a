using SftpKit.FileSystem;

namespace SftpKit.Sftp;

/// <summary>
/// File handles: OPEN, CLOSE, READ, WRITE, FSTAT, FSETSTAT and fsync@openssh.com, and the upload and read paths
/// copy-data and check-file share.
/// </summary>
internal sealed partial class SftpFileRequests(SftpRequestContext context)
{
    /// <summary>Largest READ answered (advertised through limits@openssh.com).</summary>
    public const int MaxReadLength = 261120;

    public async Task OpenAsync(uint id, SftpPayloadReader reader)
    {
        string rawPath = reader.ReadString();
        var flags = (SftpOpenFlags)reader.ReadUInt32();
        var attributes = reader.ReadAttributes();
        string path = SftpRequestContext.Resolve(rawPath);
        if (context.Handles.IsFull)
        {
            await context.SendStatusAsync(id, SftpStatusCode.Failure, "Too many open handles");
            return;
        }
        var handle = new SftpFileHandle(path, flags);
        if ((attributes.Flags & SftpAttributeFlags.Permissions) != 0)
        {
            handle.CreatePermissions = attributes.Permissions & 0xFFF;
        }
        try
        {
            if (handle.CanWrite)
            {
                await OpenForWriteAsync(handle);
            }
            else if (!await JoinInFlightForReadAsync(handle))
            {
                handle.Reader = await context.Fs.OpenReadAsync(path, context.Token);
            }
            if (!context.Handles.TryAdd(handle))
            {
                await handle.DisposeAsync();
                await context.SendStatusAsync(id, SftpStatusCode.Failure, "Too many open handles");
                return;
            }
        }
        catch
        {
            await handle.DisposeAsync();
            throw;
        }
        await context.SendHandleAsync(id, handle);
    }

    private bool Atomic => context.Options.UploadMode == SftpUploadMode.Atomic;

    private async ValueTask OpenForWriteAsync(SftpFileHandle handle)
    {
        if (Atomic && await JoinInFlightForWriteAsync(handle))
        {
            return;
        }
        var flags = handle.Flags;
        var existing = await TryGetInfoAsync(handle.Path);
        if (existing is { Type: VfsFileType.Directory })
        {
            throw new VfsException(VfsError.IsADirectory, "Is a directory.");
        }
        if (existing is null && (flags & SftpOpenFlags.Create) == 0)
        {
            throw new VfsException(VfsError.NotFound, "No such file.");
        }
        if (existing is not null && (flags & (SftpOpenFlags.Create | SftpOpenFlags.Exclusive)) == (SftpOpenFlags.Create | SftpOpenFlags.Exclusive))
        {
            throw new VfsException(VfsError.AlreadyExists, "File exists.");
        }
        if ((flags & SftpOpenFlags.Append) != 0 && (flags & SftpOpenFlags.Truncate) == 0)
        {
            handle.AppendBase = existing?.Size ?? 0;
        }
        if (existing is null || (flags & SftpOpenFlags.Truncate) != 0)
        {
            bool createNew = (flags & SftpOpenFlags.Exclusive) != 0;
            await OpenUploadAsync(handle, offset: 0, truncate: existing is not null, createNew, probed: true, existing);
        }
        else
        {
            // An existing file without TRUNC: the first WRITE's offset decides resume or overwrite.
            handle.DeferredSize = existing.Size;
        }
        if ((flags & SftpOpenFlags.Read) != 0 && existing is not null && handle.Upload?.Writer is not IVfsRandomAccessWriter)
        {
            handle.Reader = await context.Fs.OpenReadAsync(handle.Path, context.Token);
        }
    }

    /// <summary>
    /// Opens the handle's upload; an atomic one is registered as in flight under its path (or, when another handle of
    /// this session registered one there meanwhile, dropped for that one).
    /// </summary>
    /// <remarks>
    /// <paramref name="probed"/> says <paramref name="existing"/> is the target's state looked up by this OPEN a moment
    /// ago, handed down so the policy layer does not look it up again (one storage round trip less per upload).
    /// </remarks>
    private async ValueTask<SftpUpload> OpenUploadAsync(SftpFileHandle handle, long offset, bool truncate, bool createNew,
        bool probed = false, VfsFileInfo? existing = null)
    {
        var options = new VfsWriteOptions
        {
            Offset = offset,
            Truncate = truncate,
            CreateNew = createNew,
            Atomic = Atomic,
            Permissions = handle.CreatePermissions,
            TargetProbed = probed,
            ProbedTarget = existing,
        };
        var writer = await context.Fs.OpenWriteAsync(handle.Path, options, context.Token);
        var upload = new SftpUpload(writer, context.Options.ReorderWindowBytes, context.Options.TempDirectory, context.Options.TempFilesLifespan);
        if (!Atomic)
        {
            handle.Upload = upload;
            return upload;
        }
        var entry = context.InFlight.StartOrJoin(handle.Path, upload, handle);
        if (entry.Upload != upload)
        {
            await upload.DisposeAsync();
        }
        return entry.Upload;
    }

    /// <summary>
    /// Opens the upload an OPEN of an existing file without TRUNC left for later (or joins the one another handle of
    /// this session has in flight there). A first WRITE at the current size, or any APPEND, resumes (WinSCP, OpenSSH
    /// reput). A first WRITE at 0 in atomic mode on storage without random-access writes (object stores) starts a new
    /// atomic upload that replaces the file when closed, since the old content could not be overwritten in place;
    /// everywhere else the old content is kept and written over positionally, as POSIX and OpenSSH's sftp-server do
    /// (dd conv=notrunc through sshfs).
    /// </summary>
    public async ValueTask<SftpUpload> OpenDeferredUploadAsync(SftpFileHandle handle, long firstOffset)
    {
        long size = handle.DeferredSize ?? 0;
        handle.DeferredSize = null;
        if (Atomic && await JoinInFlightForWriteAsync(handle))
        {
            return handle.Upload!;
        }
        bool append = (handle.Flags & SftpOpenFlags.Append) != 0;
        if (!append && firstOffset == 0 && size > 0 && Atomic && context.Fs.GetCapability<IVfsRandomAccessWrites>() is null)
        {
            return await OpenUploadAsync(handle, offset: 0, truncate: true, createNew: false);
        }
        if (!append && firstOffset == 0 && size > 0 && !Atomic)
        {
            return await OpenUploadAsync(handle, offset: 0, truncate: false, createNew: false);
        }
        return await OpenUploadAsync(handle, offset: size, truncate: false, createNew: false);
    }

    public async Task CloseAsync(uint id, SftpPayloadReader reader)
    {
        var handle = context.FindHandle<SftpHandle>(ref reader);
        if (handle is null)
        {
            await context.SendBadHandleAsync(id);
            return;
        }
        handle.Closed = true;
        context.Handles.Remove(handle);
        try
        {
            if (handle is SftpFileHandle { InFlight: { } shared } held)
            {
                await CloseSharedAsync(held, shared);
            }
            else if (handle is SftpFileHandle { Upload: { Faulted: true } failed })
            {
                // A write failed: the client was told so; discard rather than complete a partial upload.
                throw failed.FaultException();
            }
            else if (handle is SftpFileHandle { Upload: { } upload } file)
            {
                await upload.FinishAsync(context.Token);
                await upload.Writer.CompleteAsync(context.Token);
                SftpLog.UploadCompleted(context.Logger, context.SessionId, file.Path, upload.End);
            }
        }
        finally
        {
            await handle.DisposeAsync();
        }
        await context.SendOkAsync(id);
    }

    public async Task ReadAsync(uint id, SftpPayloadReader reader)
    {
        var handle = context.FindHandle<SftpFileHandle>(ref reader);
        ulong offset = reader.ReadUInt64();
        uint length = reader.ReadUInt32();
        if (handle is null)
        {
            await context.SendBadHandleAsync(id);
            return;
        }
        if (!handle.CanRead)
        {
            await context.SendStatusAsync(id, SftpStatusCode.PermissionDenied);
            return;
        }
        if (offset > long.MaxValue)
        {
            await context.SendStatusAsync(id, SftpStatusCode.Eof);
            return;
        }
        int count = (int)Math.Min(length, MaxReadLength);
        var response = SftpResponse.Create(SftpPacketType.Data, id, count + 4);
        try
        {
            int lengthAt = response.Length;
            response.WriteUInt32(0);
            var target = response.Reserve(count);
            int total = 0;
            while (total < count)
            {
                int read = await ReadFromHandleAsync(handle, (long)offset + total, target[total..]);
                if (read == 0)
                {
                    break;
                }
                total += read;
            }
            if (total == 0 && count > 0)
            {
                response.Dispose();
                await context.SendStatusAsync(id, SftpStatusCode.Eof);
                return;
            }
            response.Commit(total);
            response.PatchUInt32(lengthAt, (uint)total);
        }
        catch
        {
            response.Dispose();
            throw;
        }
        await context.Output.SendAsync(response, context.Token);
    }

    public async ValueTask<int> ReadFromHandleAsync(SftpFileHandle handle, long offset, Memory<byte> buffer)
    {
        if (handle.Upload is { Faulted: true })
        {
            throw new VfsException(VfsError.Failure, "Upload failed.");
        }
        if (handle.Upload is { Writer: IVfsRandomAccessWriter })
        {
            return await handle.Upload.ReadAsync(offset, buffer, context.Token);
        }
        if (handle.Reader is null)
        {
            // Read-write on a new file whose storage cannot read back an upload.
            if (handle.Upload is null)
            {
                handle.Reader = await context.Fs.OpenReadAsync(handle.Path, context.Token);
            }
            else
            {
                throw new VfsException(VfsError.Unsupported, "Cannot read an upload back.");
            }
        }
        return await handle.Reader.ReadAsync(offset, buffer, context.Token);
    }

    public async Task WriteAsync(uint id, SftpPayloadReader reader)
    {
        var handle = context.FindHandle<SftpFileHandle>(ref reader);
        ulong offset = reader.ReadUInt64();
        var data = reader.ReadBytes();
        if (handle is null)
        {
            await context.SendBadHandleAsync(id);
            return;
        }
        if (!handle.CanWrite)
        {
            await context.SendStatusAsync(id, SftpStatusCode.PermissionDenied);
            return;
        }
        if (offset > long.MaxValue - (ulong)data.Length)
        {
            await context.SendStatusAsync(id, SftpStatusCode.Failure);
            return;
        }
        await WriteToHandleAsync(handle, (long)offset, data);
        await context.SendOkAsync(id);
    }

    private async ValueTask WriteToHandleAsync(SftpFileHandle handle, long offset, ReadOnlyMemory<byte> data)
    {
        if (handle.Upload is { Faulted: true } failed)
        {
            throw failed.FaultException();
        }
        handle.Upload ??= await OpenDeferredUploadAsync(handle, offset);
        var upload = handle.Upload;
        if ((handle.Flags & SftpOpenFlags.Append) != 0 && offset < handle.AppendBase)
        {
            // APPEND from a client that does not know the size (offset 0): O_APPEND semantics, at the end.
            offset = upload.End;
        }
        bool wasSequential = !upload.UsedRandomAccess && !upload.Spilled;
        try
        {
            await upload.WriteAsync(offset, data, context.Token);
        }
        catch (Exception ex) when (ex is VfsException or IOException)
        {
            upload.Faulted = true;
            upload.FaultError = ex is VfsException vfs ? vfs.Error : VfsError.Failure;
            if (context.Options.UploadMode == SftpUploadMode.Atomic)
            {
                // The upload can no longer be published, so its temporary data is garbage now: free it (on a full disk
                // it holds the space) rather than when the client closes the handle, which some never do after an error.
                await upload.DisposeAsync();
            }
            throw;
        }
        if (wasSequential && (upload.UsedRandomAccess || upload.Spilled))
        {
            SftpLog.UploadReordered(context.Logger, context.SessionId, handle.Path, upload.Spilled ? "temporary file" : "random access");
            SftpUpload.CountReordered(upload.Spilled);
        }
    }

    public async Task FstatAsync(uint id, SftpPayloadReader reader)
    {
        var handle = context.FindHandle<SftpHandle>(ref reader);
        VfsFileInfo info;
        switch (handle)
        {
            case null:
                await context.SendBadHandleAsync(id);
                return;
            case SftpFileHandle { Upload.Faulted: true }:
                throw new VfsException(VfsError.Failure, "Upload failed.");
            case SftpFileHandle file:
                info = await GetHandleInfoAsync(file);
                break;
            default:
                info = await context.Fs.GetInfoAsync(handle.Path, followLinks: true, context.Token);
                break;
        }
        await context.SendAttrsAsync(id, info);
    }

    /// <summary>Attributes of an open file handle (as FSTAT sees them, an upload's unflushed end included).</summary>
    public async ValueTask<VfsFileInfo> GetHandleInfoAsync(SftpFileHandle handle)
    {
        if (handle.InFlight is { } shared)
        {
            return await shared.GetInfoAsync(context.Token);
        }
        if (handle.Upload is { } upload)
        {
            var info = await upload.Writer.GetInfoAsync(context.Token);
            return info with { Size = Math.Max(info.Size, upload.End) };
        }
        if (handle.Reader is { } reader)
        {
            return await reader.GetInfoAsync(context.Token);
        }
        return await context.Fs.GetInfoAsync(handle.Path, followLinks: true, context.Token);
    }

    public async Task FsetstatAsync(uint id, SftpPayloadReader reader)
    {
        var handle = context.FindHandle<SftpHandle>(ref reader);
        var change = reader.ReadAttributes().ToChange();
        if (handle is null)
        {
            await context.SendBadHandleAsync(id);
            return;
        }
        if (change is not null)
        {
            if (handle is SftpFileHandle { InFlight: { } shared })
            {
                await context.Paths.ChangeInFlightAsync(shared, change);
            }
            else
            {
                await context.Fs.SetInfoAsync(handle.Path, change, followLinks: true, context.Token);
            }
        }
        await context.SendOkAsync(id);
    }

    /// <summary>fsync@openssh.com: an upload's buffered data goes to the storage; other handles have nothing to flush.</summary>
    public async Task FsyncAsync(uint id, SftpPayloadReader reader)
    {
        var handle = context.FindHandle<SftpHandle>(ref reader);
        if (handle is null)
        {
            await context.SendBadHandleAsync(id);
            return;
        }
        if (handle is SftpFileHandle { Upload: { } upload })
        {
            await upload.Writer.FlushAsync(context.Token);
        }
        await context.SendOkAsync(id);
    }

    private async ValueTask<VfsFileInfo?> TryGetInfoAsync(string path)
    {
        try
        {
            return await VfsInfoProbe.TryGetInfoAsync(context.Fs, path, followLinks: true, context.Token);
        }
        catch (VfsException ex) when (ex.Error == VfsError.NotFound)
        {
            return null;
        }
    }
}
