using System.Buffers;
using SftpKit.FileSystem;

namespace SftpKit.Sftp;

/// <summary>
/// check-file-name / check-file-handle (draft-ietf-secsh-filexfer-extensions-00 §3; paramiko sends the handle form
/// as plain <c>check-file</c>): hashes of a byte range, one over the whole range or one per block, computed here so a
/// client can verify a transfer without reading the file back.
/// </summary>
internal sealed class SftpCheckFileRequest(SftpRequestContext context)
{
    /// <summary>Smallest non-zero block size accepted, as the draft requires (256 bytes).</summary>
    public const int CheckFileMinBlockSize = 256;

    /// <summary>Most block hashes in one reply: 2048 (at most 128 KiB of sha512, under any client's packet limit).</summary>
    public const int CheckFileMaxBlocks = 2048;

    private const int CheckFileChunk = 64 * 1024;

    public async Task CheckFileAsync(uint id, SftpPayloadReader reader, bool byHandle)
    {
        SftpFileHandle? handle = null;
        string path;
        if (byHandle)
        {
            handle = context.FindHandle<SftpFileHandle>(ref reader);
            path = handle?.Path ?? string.Empty;
        }
        else
        {
            path = SftpRequestContext.Resolve(reader.ReadString());
        }
        string algorithms = reader.ReadString();
        ulong start = reader.ReadUInt64();
        ulong length = reader.ReadUInt64();
        uint blockSize = reader.ReadUInt32();
        if (byHandle && handle is null)
        {
            await context.SendBadHandleAsync(id);
            return;
        }
        if (handle is { CanRead: false })
        {
            await context.SendStatusAsync(id, SftpStatusCode.PermissionDenied);
            return;
        }
        using var hash = SftpCheckFileHash.Choose(algorithms);
        if (hash is null)
        {
            SftpLog.CheckFileRefused(context.Logger, context.SessionId, "no supported hash algorithm");
            await context.SendStatusAsync(id, SftpStatusCode.OpUnsupported, "No supported hash algorithm");
            return;
        }
        if (blockSize is > 0 and < CheckFileMinBlockSize)
        {
            SftpLog.CheckFileRefused(context.Logger, context.SessionId, "block size below the minimum");
            await context.SendStatusAsync(id, SftpStatusCode.Failure, "Block size too small");
            return;
        }

        IVfsReader? opened = null;
        try
        {
            long size;
            if (handle is null)
            {
                opened = await context.Fs.OpenReadAsync(path, context.Token);
                size = (await opened.GetInfoAsync(context.Token)).Size;
            }
            else
            {
                size = (await context.Files.GetHandleInfoAsync(handle)).Size;
            }
            long from = start > long.MaxValue ? long.MaxValue : (long)start;
            long available = Math.Max(0, size - from);
            long count = length == 0 ? available : (long)Math.Min(length, (ulong)available);
            long blocks = blockSize == 0 ? 1 : (count + blockSize - 1) / blockSize;
            if (blocks > CheckFileMaxBlocks)
            {
                SftpLog.CheckFileRefused(context.Logger, context.SessionId, "too many blocks");
                await context.SendStatusAsync(id, SftpStatusCode.Failure, "Too many blocks");
                return;
            }
            var source = opened;
            ValueTask<int> ReadAt(long offset, Memory<byte> buffer) => source is not null
                ? source.ReadAsync(offset, buffer, context.Token)
                : context.Files.ReadFromHandleAsync(handle!, offset, buffer);
            await SendCheckFileReplyAsync(id, hash, ReadAt, from, count, blockSize, (int)blocks, path);
        }
        finally
        {
            if (opened is not null)
            {
                await opened.DisposeAsync();
            }
        }
    }

    private async ValueTask SendCheckFileReplyAsync(uint id, SftpCheckFileHash hash, Func<long, Memory<byte>, ValueTask<int>> readAt,
        long from, long count, uint blockSize, int blocks, string path)
    {
        var response = SftpResponse.Create(SftpPacketType.ExtendedReply, id, 32 + (blocks * hash.Size));
        byte[] buffer = ArrayPool<byte>.Shared.Rent(CheckFileChunk);
        try
        {
            response.WriteString(SftpExtensions.CheckFile);
            response.WriteString(hash.Name);
            var digests = response.Reserve(blocks * hash.Size);
            int written = 0;
            long done = 0;
            long inBlock = 0;
            while (done < count)
            {
                long want = Math.Min(CheckFileChunk, count - done);
                if (blockSize > 0)
                {
                    want = Math.Min(want, blockSize - inBlock);
                }
                int read = await readAt(from + done, buffer.AsMemory(0, (int)want));
                if (read == 0)
                {
                    break; // the file shrank meanwhile: hash what there is
                }
                hash.Append(buffer.AsSpan(0, read));
                done += read;
                inBlock += read;
                if (blockSize > 0 && inBlock == blockSize)
                {
                    hash.Finish(digests.Span.Slice(written++ * hash.Size, hash.Size));
                    inBlock = 0;
                }
            }
            if (blockSize == 0 || inBlock > 0)
            {
                hash.Finish(digests.Span.Slice(written++ * hash.Size, hash.Size));
            }
            response.Commit(written * hash.Size);
            SftpLog.CheckFileHashed(context.Logger, context.SessionId, path, hash.Name, done, written);
        }
        catch
        {
            response.Dispose();
            throw;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
        await context.Output.SendAsync(response, context.Token);
    }
}
