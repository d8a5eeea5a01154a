using SftpKit.FileSystem;

namespace SftpKit.Sftp;

/// <summary>Directory listings: OPENDIR opens a handle over the file system's listing, READDIR pages through it.</summary>
internal sealed class SftpDirectoryRequests(SftpRequestContext context)
{
    /// <summary>Most entries in one NAME reply (WinSCP and FileZilla cope with any count; OpenSSH sends 100).</summary>
    public const int MaxNamesPerReply = 100;

    /// <summary>Bytes of entries after which a NAME reply is sent even if short of 100 entries (fits the packet limit).</summary>
    private const int MaxNameReplyBytes = 192 * 1024;

    public async Task OpendirAsync(uint id, SftpPayloadReader reader)
    {
        string path = SftpRequestContext.Resolve(reader.ReadString());
        var info = await context.Fs.GetInfoAsync(path, followLinks: true, context.Token);
        if (info.Type != VfsFileType.Directory)
        {
            throw new VfsException(VfsError.NotADirectory, "Not a directory.");
        }
        if (context.Handles.IsFull)
        {
            await context.SendStatusAsync(id, SftpStatusCode.Failure, "Too many open handles");
            return;
        }
        // The listing lives as long as the handle, so it must not stop with this request.
        var handle = new SftpDirectoryHandle(path, context.Fs.ListAsync(path, context.Token).GetAsyncEnumerator(context.Token));
        if (!context.Handles.TryAdd(handle))
        {
            await handle.DisposeAsync();
            await context.SendStatusAsync(id, SftpStatusCode.Failure, "Too many open handles");
            return;
        }
        await context.SendHandleAsync(id, handle);
    }

    /// <summary>Up to 100 entries per NAME; at the end EOF, never an empty NAME (WinSCP aborts on one).</summary>
    public async Task ReaddirAsync(uint id, SftpPayloadReader reader)
    {
        var handle = context.FindHandle<SftpDirectoryHandle>(ref reader);
        if (handle is null)
        {
            await context.SendBadHandleAsync(id);
            return;
        }
        var response = SftpResponse.Create(SftpPacketType.Name, id, 8 * 1024);
        try
        {
            int countAt = response.Length;
            response.WriteUInt32(0);
            int count = 0;
            var now = DateTimeOffset.UtcNow;
            while (count < MaxNamesPerReply && response.Length < MaxNameReplyBytes)
            {
                var entry = await handle.NextAsync();
                if (entry is null)
                {
                    break;
                }
                response.WriteString(entry.Name);
                response.WriteString(SftpLongName.Format(entry, now));
                response.WriteAttributes(SftpAttributes.From(entry));
                count++;
            }
            if (count == 0)
            {
                response.Dispose();
                await context.SendStatusAsync(id, SftpStatusCode.Eof);
                return;
            }
            response.PatchUInt32(countAt, (uint)count);
        }
        catch
        {
            response.Dispose();
            throw;
        }
        await context.Output.SendAsync(response, context.Token);
    }
}
