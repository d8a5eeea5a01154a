using SftpKit.FileSystem;

namespace SftpKit.Sftp;

/// <summary>Path requests: STAT/LSTAT, SETSTAT, OPENDIR/READDIR, REMOVE, MKDIR, RMDIR, REALPATH, RENAME, READLINK, SYMLINK.</summary>
internal sealed partial class SftpSession
{
    /// <summary>Most entries in one NAME reply (WinSCP and FileZilla cope with any count; OpenSSH sends 100).</summary>
    public const int MaxNamesPerReply = 100;

    /// <summary>Bytes of entries after which a NAME reply is sent even if short of 100 entries (fits the packet limit).</summary>
    private const int MaxNameReplyBytes = 192 * 1024;

    internal async Task StatAsync(SftpPacket packet, bool followLinks)
    {
        var reader = packet.CreateReader();
        string path = Resolve(reader.ReadString());
        VfsFileInfo info;
        try
        {
            info = await _fs.GetInfoAsync(path, followLinks, Token);
        }
        catch (VfsException ex) when (ex.Error == VfsError.NotFound && _handles.FindUpload(path) is { Upload: { } upload })
        {
            // An atomic upload is not under its name until CLOSE, but this session's own client (e.g. sshfs) expects
            // to see the file it is writing: answer with the upload's current attributes.
            info = await upload.Writer.GetInfoAsync(Token) with { Name = VirtualPath.GetName(path) };
        }
        await SendAttrsAsync(packet.Id, info);
    }

    internal async Task SetstatAsync(SftpPacket packet, bool followLinks)
    {
        var reader = packet.CreateReader();
        string path = Resolve(reader.ReadString());
        var change = reader.ReadAttributes().ToChange();
        if (change is not null)
        {
            await _fs.SetInfoAsync(path, change, followLinks, Token);
        }
        await SendOkAsync(packet.Id);
    }

    internal async Task OpendirAsync(SftpPacket packet)
    {
        var reader = packet.CreateReader();
        string path = Resolve(reader.ReadString());
        var info = await _fs.GetInfoAsync(path, followLinks: true, Token);
        if (info.Type != VfsFileType.Directory)
        {
            throw new VfsException(VfsError.NotADirectory, "Not a directory.");
        }
        if (_handles.IsFull)
        {
            await SendStatusAsync(packet.Id, SftpStatusCode.Failure, "Too many open handles");
            return;
        }
        // The listing lives as long as the handle, so it must not stop with this request.
        var handle = new SftpDirectoryHandle(path, _fs.ListAsync(path, Token).GetAsyncEnumerator(Token));
        if (!_handles.TryAdd(handle))
        {
            await handle.DisposeAsync();
            await SendStatusAsync(packet.Id, SftpStatusCode.Failure, "Too many open handles");
            return;
        }
        await SendHandleAsync(packet.Id, handle);
    }

    /// <summary>Up to 100 entries per NAME; at the end EOF, never an empty NAME (WinSCP aborts on one).</summary>
    internal async Task ReaddirAsync(SftpPacket packet)
    {
        var reader = packet.CreateReader();
        var handle = FindHandle<SftpDirectoryHandle>(ref reader);
        if (handle is null)
        {
            await SendBadHandleAsync(packet.Id);
            return;
        }
        var response = SftpResponse.Create(SftpPacketType.Name, packet.Id, 8 * 1024);
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
                await SendStatusAsync(packet.Id, SftpStatusCode.Eof);
                return;
            }
            response.PatchUInt32(countAt, (uint)count);
        }
        catch
        {
            response.Dispose();
            throw;
        }
        await _output.SendAsync(response, Token);
    }

    internal async Task RemoveAsync(SftpPacket packet)
    {
        var reader = packet.CreateReader();
        string path = Resolve(reader.ReadString());
        await _fs.DeleteFileAsync(path, Token);
        await SendOkAsync(packet.Id);
    }

    internal async Task MkdirAsync(SftpPacket packet)
    {
        var reader = packet.CreateReader();
        string path = Resolve(reader.ReadString());
        var attributes = reader.ReadAttributes();
        await _fs.CreateDirectoryAsync(path, Token);
        if ((attributes.Flags & SftpAttributeFlags.Permissions) != 0)
        {
            try
            {
                await _fs.SetInfoAsync(path, new VfsAttributeChange { Permissions = attributes.Permissions & 0xFFF }, followLinks: false, Token);
            }
            catch (VfsException ex) when (ex.Error is VfsError.PermissionDenied or VfsError.Unsupported)
            {
                // The mode is a request, as with mkdir(2) under a umask: an account without chmod still gets its directory.
            }
        }
        await SendOkAsync(packet.Id);
    }

    internal async Task RmdirAsync(SftpPacket packet)
    {
        var reader = packet.CreateReader();
        string path = Resolve(reader.ReadString());
        await _fs.DeleteDirectoryAsync(path, Token);
        await SendOkAsync(packet.Id);
    }

    /// <summary>Canonical form of a path, relative to the home directory <c>/</c>. Existence is not required.</summary>
    internal async Task RealpathAsync(SftpPacket packet)
    {
        var reader = packet.CreateReader();
        string path = Resolve(reader.ReadString());
        await SendSingleNameAsync(packet.Id, path);
    }

    internal async Task RenameAsync(SftpPacket packet)
    {
        var reader = packet.CreateReader();
        string from = Resolve(reader.ReadString());
        string to = Resolve(reader.ReadString());
        await _fs.RenameAsync(from, to, overwrite: false, Token);
        await SendOkAsync(packet.Id);
    }

    internal async Task ReadlinkAsync(SftpPacket packet)
    {
        var reader = packet.CreateReader();
        string path = Resolve(reader.ReadString());
        var links = RequireCapability<IVfsSymbolicLinks>();
        string target = await links.ReadSymbolicLinkAsync(path, Token);
        await SendSingleNameAsync(packet.Id, target);
    }

    /// <summary>OpenSSH sends the target first and the link path second (reversed from the draft); we follow OpenSSH.</summary>
    internal async Task SymlinkAsync(SftpPacket packet)
    {
        var reader = packet.CreateReader();
        string target = reader.ReadString();
        string linkPath = Resolve(reader.ReadString());
        var links = RequireCapability<IVfsSymbolicLinks>();
        // An absolute target is a virtual path like any other; relative text is kept as the client wrote it.
        target = target.StartsWith('/') ? Resolve(target) : CheckRelativeTarget(target);
        await links.CreateSymbolicLinkAsync(linkPath, target, Token);
        await SendOkAsync(packet.Id);
    }

    private static string CheckRelativeTarget(string target)
    {
        // Validates characters and length with the same rule as paths; the text itself is stored unchanged.
        VirtualPath.Normalize(target);
        if (target.Length == 0)
        {
            throw new VfsException(VfsError.InvalidPath, "Empty link target.");
        }
        return target;
    }

    private T RequireCapability<T>()
        where T : class
        => VfsCapabilities.Require<T>(_fs);
}
