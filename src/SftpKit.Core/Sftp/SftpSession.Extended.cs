using System.Buffers;
using SftpKit.FileSystem;

namespace SftpKit.Sftp;

/// <summary>EXTENDED requests: the OpenSSH extensions plus copy-data, home-directory and check-file.</summary>
internal sealed partial class SftpSession
{
    /// <summary>Largest packet a client may send (advertised through limits@openssh.com, as OpenSSH).</summary>
    public const int AdvertisedMaxPacketLength = 256 * 1024;

    private const int CopyChunk = 64 * 1024;

    internal async Task ExtendedAsync(SftpPacket packet)
    {
        var reader = packet.CreateReader();
        string name = reader.ReadString();
        switch (name)
        {
            case SftpExtensions.PosixRename:
            {
                string from = Resolve(reader.ReadString());
                string to = Resolve(reader.ReadString());
                await _fs.RenameAsync(from, to, overwrite: true, Token);
                await SendOkAsync(packet.Id);
                break;
            }
            case SftpExtensions.Statvfs:
                await SendStatvfsAsync(packet.Id, Resolve(reader.ReadString()));
                break;
            case SftpExtensions.Fstatvfs:
            {
                var handle = FindHandle<SftpHandle>(ref reader);
                // A file handle may be an atomic upload not yet under its name: its directory is on the same storage.
                await (handle is null ? SendBadHandleAsync(packet.Id)
                    : SendStatvfsAsync(packet.Id, handle is SftpFileHandle ? VirtualPath.GetParent(handle.Path) : handle.Path));
                break;
            }
            case SftpExtensions.Hardlink:
            {
                string existing = Resolve(reader.ReadString());
                string newPath = Resolve(reader.ReadString());
                await RequireCapability<IVfsHardLinks>().CreateHardLinkAsync(existing, newPath, Token);
                await SendOkAsync(packet.Id);
                break;
            }
            case SftpExtensions.Fsync:
            {
                var handle = FindHandle<SftpHandle>(ref reader);
                if (handle is null)
                {
                    await SendBadHandleAsync(packet.Id);
                    break;
                }
                if (handle is SftpFileHandle { Upload: { } upload })
                {
                    await upload.Writer.FlushAsync(Token);
                }
                await SendOkAsync(packet.Id);
                break;
            }
            case SftpExtensions.Lsetstat:
                await SetstatAsync(packet, reader, followLinks: false);
                break;
            case SftpExtensions.Limits:
                await SendLimitsAsync(packet.Id);
                break;
            case SftpExtensions.ExpandPath:
                await SendSingleNameAsync(packet.Id, ExpandHome(reader.ReadString()));
                break;
            case SftpExtensions.HomeDirectory:
                reader.ReadString();
                // Every account is chrooted: its home is the virtual root.
                await SendSingleNameAsync(packet.Id, VirtualPath.Root);
                break;
            case SftpExtensions.CopyData:
                await CopyDataAsync(packet.Id, reader);
                break;
            case SftpExtensions.UsersGroupsById:
                await SendUsersGroupsAsync(packet.Id, reader);
                break;
            case SftpExtensions.CheckFile:
            case SftpExtensions.CheckFileHandle:
                await CheckFileAsync(packet.Id, reader, byHandle: true);
                break;
            case SftpExtensions.CheckFileName:
                await CheckFileAsync(packet.Id, reader, byHandle: false);
                break;
            default:
                await SendStatusAsync(packet.Id, SftpStatusCode.OpUnsupported);
                break;
        }
    }

    private async Task SetstatAsync(SftpPacket packet, SftpPayloadReader reader, bool followLinks)
    {
        string path = Resolve(reader.ReadString());
        var change = reader.ReadAttributes().ToChange();
        if (change is not null)
        {
            await _fs.SetInfoAsync(path, change, followLinks, Token);
        }
        await SendOkAsync(packet.Id);
    }

    /// <summary><c>~</c> and <c>~/x</c> (and <c>~user/x</c>: one chrooted account has one home) start at <c>/</c>.</summary>
    private static string ExpandHome(string path)
    {
        if (path.StartsWith('~'))
        {
            int slash = path.IndexOf('/', StringComparison.Ordinal);
            path = slash < 0 ? VirtualPath.Root : path[slash..];
        }
        return Resolve(path);
    }

    /// <summary>statvfs@openssh.com reply: 11 uint64 (bsize, frsize, blocks, bfree, bavail, files, ffree, favail, fsid, flag, namemax).</summary>
    private async ValueTask SendStatvfsAsync(uint id, string path)
    {
        var space = await RequireCapability<IVfsSpaceInfo>().GetSpaceAsync(path, Token);
        var response = SftpResponse.Create(SftpPacketType.ExtendedReply, id, 88);
        response.WriteUInt64((ulong)space.BlockSize);
        response.WriteUInt64((ulong)space.BlockSize);
        response.WriteUInt64((ulong)space.TotalBlocks);
        response.WriteUInt64((ulong)space.FreeBlocks);
        response.WriteUInt64((ulong)space.AvailableBlocks);
        response.WriteUInt64((ulong)space.TotalFiles);
        response.WriteUInt64((ulong)space.FreeFiles);
        response.WriteUInt64((ulong)space.FreeFiles);
        response.WriteUInt64(0); // fsid
        response.WriteUInt64(2); // SSH_FXE_STATVFS_ST_NOSUID
        response.WriteUInt64((ulong)space.MaxNameLength);
        await _output.SendAsync(response, Token);
    }

    /// <summary>limits@openssh.com reply: max packet, max read, max write, max open handles (uint64 each).</summary>
    private ValueTask SendLimitsAsync(uint id)
    {
        var response = SftpResponse.Create(SftpPacketType.ExtendedReply, id, 32);
        response.WriteUInt64(AdvertisedMaxPacketLength);
        response.WriteUInt64(MaxReadLength);
        response.WriteUInt64(MaxReadLength);
        response.WriteUInt64((ulong)_handles.Limit);
        return _output.SendAsync(response, Token);
    }

    /// <summary>
    /// users-groups-by-id@openssh.com: the server keeps no account database, so every id gets an empty name and the
    /// client shows numbers.
    /// </summary>
    private ValueTask SendUsersGroupsAsync(uint id, SftpPayloadReader reader)
    {
        int uidCount = reader.ReadBytes().Length / 4;
        int gidCount = reader.ReadBytes().Length / 4;
        var response = SftpResponse.Create(SftpPacketType.ExtendedReply, id, 8 + (4 * (uidCount + gidCount)));
        response.WriteUInt32((uint)(4 * uidCount));
        for (int i = 0; i < uidCount; i++)
        {
            response.WriteUInt32(0);
        }
        response.WriteUInt32((uint)(4 * gidCount));
        for (int i = 0; i < gidCount; i++)
        {
            response.WriteUInt32(0);
        }
        return _output.SendAsync(response, Token);
    }

    /// <summary>
    /// copy-data: read handle, offset, length (0 = to end), write handle, offset → STATUS. As OpenSSH, a handle (or
    /// path) cannot be copied onto itself. When the file system has <see cref="IVfsServerSideCopy"/> and both ends are
    /// plain open files of it, the copy never passes through the session; otherwise it streams through one pooled
    /// 64 KiB buffer.
    /// </summary>
    private async Task CopyDataAsync(uint id, SftpPayloadReader reader)
    {
        var source = FindHandle<SftpFileHandle>(ref reader);
        ulong readOffset = reader.ReadUInt64();
        ulong length = reader.ReadUInt64();
        var target = FindHandle<SftpFileHandle>(ref reader);
        ulong writeOffset = reader.ReadUInt64();
        if (source is null || target is null)
        {
            await SendBadHandleAsync(id);
            return;
        }
        if (!source.CanRead || !target.CanWrite || readOffset > long.MaxValue || writeOffset > long.MaxValue)
        {
            SftpLog.CopyDataRefused(_logger, _sessionId, "handle mode or offset");
            await SendStatusAsync(id, SftpStatusCode.PermissionDenied);
            return;
        }
        if (ReferenceEquals(source, target) || string.Equals(source.Path, target.Path, StringComparison.Ordinal))
        {
            SftpLog.CopyDataRefused(_logger, _sessionId, "source and target are the same file");
            await SendStatusAsync(id, SftpStatusCode.Failure, "Cannot copy a file onto itself");
            return;
        }
        long limit = length == 0 || length > long.MaxValue ? 0 : (long)length;
        long from = (long)readOffset;
        long to = (long)writeOffset;
        target.Upload ??= await OpenDeferredUploadAsync(target, to);
        var upload = target.Upload;
        if ((target.Flags & SftpOpenFlags.Append) != 0 && to < target.AppendBase)
        {
            to = upload.End; // O_APPEND, as WRITE does
        }
        long copied;
        string how;
        if (await TryCopyServerSideAsync(source, from, limit, upload, to) is { } direct)
        {
            copied = direct;
            how = "server-side";
        }
        else
        {
            copied = await CopyStreamedAsync(source, from, limit == 0 ? long.MaxValue : limit, target, to);
            how = "streamed";
        }
        SftpLog.CopyDataCompleted(_logger, _sessionId, source.Path, target.Path, copied, how);
        await SendOkAsync(id);
    }

    /// <summary>The file system's own copy between the two open files, or null when it has none for them.</summary>
    private async ValueTask<long?> TryCopyServerSideAsync(SftpFileHandle source, long from, long length, SftpUpload upload, long to)
    {
        if (_fs.GetCapability<IVfsServerSideCopy>() is not { } copier || source.Upload is not null || source.Reader is not { } sourceReader)
        {
            return null;
        }
        var writer = await upload.BeginDirectWriteAsync(Token);
        if (writer is null)
        {
            return null;
        }
        long? copied = await copier.CopyOpenAsync(sourceReader, from, length, writer, to, Token);
        if (copied is { } count)
        {
            upload.NoteDirectWrite(to, count);
        }
        return copied;
    }

    private async ValueTask<long> CopyStreamedAsync(SftpFileHandle source, long from, long remaining, SftpFileHandle target, long to)
    {
        long copied = 0;
        byte[] chunk = ArrayPool<byte>.Shared.Rent(CopyChunk);
        try
        {
            while (remaining > 0)
            {
                int want = (int)Math.Min(CopyChunk, remaining);
                int read = await ReadFromHandleAsync(source, from + copied, chunk.AsMemory(0, want));
                if (read == 0)
                {
                    break;
                }
                await target.Upload!.WriteAsync(to + copied, chunk.AsMemory(0, read), Token);
                copied += read;
                remaining -= read;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }
        return copied;
    }
}
