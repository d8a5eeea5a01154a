using System.Buffers;
using SftpKit.FileSystem;

namespace SftpKit.Sftp;

/// <summary>copy-data: copies a byte range between two open file handles of the session.</summary>
internal sealed class SftpCopyDataRequest(SftpRequestContext context)
{
    private const int CopyChunk = 64 * 1024;

    /// <summary>The write handle (the fourth field): copy-data runs on the target's queue, behind its WRITEs.</summary>
    public static ReadOnlyMemory<byte> TargetHandle(ref SftpPayloadReader reader)
    {
        reader.ReadBytes();
        reader.ReadUInt64();
        reader.ReadUInt64();
        return reader.ReadBytes();
    }

    /// <summary>
    /// copy-data: read handle, offset, length (0 = to end), write handle, offset → STATUS. As OpenSSH, a handle (or
    /// path) cannot be copied onto itself. When the file system has <see cref="IVfsServerSideCopy"/> and both ends are
    /// plain open files of it, the copy never passes through the session; otherwise it streams through one pooled
    /// 64 KiB buffer.
    /// </summary>
    public async Task CopyDataAsync(uint id, SftpPayloadReader reader)
    {
        var source = context.FindHandle<SftpFileHandle>(ref reader);
        ulong readOffset = reader.ReadUInt64();
        ulong length = reader.ReadUInt64();
        var target = context.FindHandle<SftpFileHandle>(ref reader);
        ulong writeOffset = reader.ReadUInt64();
        if (source is null || target is null)
        {
            await context.SendBadHandleAsync(id);
            return;
        }
        if (!source.CanRead || !target.CanWrite || readOffset > long.MaxValue || writeOffset > long.MaxValue)
        {
            SftpLog.CopyDataRefused(context.Logger, context.SessionId, "handle mode or offset");
            await context.SendStatusAsync(id, SftpStatusCode.PermissionDenied);
            return;
        }
        if (ReferenceEquals(source, target) || string.Equals(source.Path, target.Path, StringComparison.Ordinal))
        {
            SftpLog.CopyDataRefused(context.Logger, context.SessionId, "source and target are the same file");
            await context.SendStatusAsync(id, SftpStatusCode.Failure, "Cannot copy a file onto itself");
            return;
        }
        long limit = length == 0 || length > long.MaxValue ? 0 : (long)length;
        long from = (long)readOffset;
        long to = (long)writeOffset;
        target.Upload ??= await context.Files.OpenDeferredUploadAsync(target, to);
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
        SftpLog.CopyDataCompleted(context.Logger, context.SessionId, source.Path, target.Path, copied, how);
        await context.SendOkAsync(id);
    }

    /// <summary>The file system's own copy between the two open files, or null when it has none for them.</summary>
    private async ValueTask<long?> TryCopyServerSideAsync(SftpFileHandle source, long from, long length, SftpUpload upload, long to)
    {
        if (context.Fs.GetCapability<IVfsServerSideCopy>() is not { } copier || source.Upload is not null || source.Reader is not { } sourceReader)
        {
            return null;
        }
        var writer = await upload.BeginDirectWriteAsync(context.Token);
        if (writer is null)
        {
            return null;
        }
        long? copied = await copier.CopyOpenAsync(sourceReader, from, length, writer, to, context.Token);
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
                int read = await context.Files.ReadFromHandleAsync(source, from + copied, chunk.AsMemory(0, want));
                if (read == 0)
                {
                    break;
                }
                await target.Upload!.WriteAsync(to + copied, chunk.AsMemory(0, read), context.Token);
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
