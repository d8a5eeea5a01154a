using SftpKit.FileSystem;

namespace SftpKit.Sftp;

/// <summary>Directory listings: OPENDIR opens a handle over the file system's listing, READDIR pages through it.</summary>
internal sealed class SftpDirectoryRequests
{
    /// <summary>Most entries in one NAME reply (WinSCP and FileZilla cope with any count; OpenSSH sends 100).</summary>
    public const int MaxNamesPerReply = 100;

    /// <summary>Bytes of entries after which a NAME reply is sent even if short of 100 entries (fits the packet limit).</summary>
    private const int MaxNameReplyBytes = 192 * 1024;

    private readonly SftpRequestContext _context;

    public SftpDirectoryRequests(SftpRequestContext context) => _context = context;

    public async Task OpendirAsync(uint id, SftpPayloadReader reader)
    {
        string path = SftpRequestContext.Resolve(reader.ReadString());
        var info = await _context.Fs.GetInfoAsync(path, followLinks: true, _context.Token);
        if (info.Type != VfsFileType.Directory)
        {
            throw new VfsException(VfsError.NotADirectory, "Not a directory.");
        }
        if (_context.Handles.IsFull)
        {
            await _context.SendStatusAsync(id, SftpStatusCode.Failure, "Too many open handles");
            return;
        }
        // The listing lives as long as the handle, so it must not stop with this request.
        var handle = new SftpDirectoryHandle(path, _context.Fs.ListAsync(path, _context.Token).GetAsyncEnumerator(_context.Token));
        if (!_context.Handles.TryAdd(handle))
        {
            await handle.DisposeAsync();
            await _context.SendStatusAsync(id, SftpStatusCode.Failure, "Too many open handles");
            return;
        }
        await _context.SendHandleAsync(id, handle);
    }

    /// <summary>Up to 100 entries per NAME; at the end EOF, never an empty NAME (WinSCP aborts on one).</summary>
    public async Task ReaddirAsync(uint id, SftpPayloadReader reader)
    {
        var handle = _context.FindHandle<SftpDirectoryHandle>(ref reader);
        if (handle is null)
        {
            await _context.SendBadHandleAsync(id);
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
                await _context.SendStatusAsync(id, SftpStatusCode.Eof);
                return;
            }
            response.PatchUInt32(countAt, (uint)count);
        }
        catch
        {
            response.Dispose();
            throw;
        }
        await _context.Output.SendAsync(response, _context.Token);
    }
}
