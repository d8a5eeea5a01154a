using SftpKit.FileSystem;

namespace SftpKit.Sftp;

/// <summary>
/// Extensions that describe the storage and the server rather than a file: statvfs@openssh.com,
/// fstatvfs@openssh.com, limits@openssh.com, users-groups-by-id@openssh.com.
/// </summary>
internal sealed class SftpStorageRequests(SftpRequestContext context)
{
    /// <summary>Largest packet a client may send (advertised through limits@openssh.com, as OpenSSH).</summary>
    public const int AdvertisedMaxPacketLength = 256 * 1024;

    public Task StatvfsAsync(uint id, SftpPayloadReader reader)
        => SendStatvfsAsync(id, SftpRequestContext.Resolve(reader.ReadString())).AsTask();

    public async Task FstatvfsAsync(uint id, SftpPayloadReader reader)
    {
        var handle = context.FindHandle<SftpHandle>(ref reader);
        // A file handle may be an atomic upload not yet under its name: its directory is on the same storage.
        await (handle is null ? context.SendBadHandleAsync(id)
            : SendStatvfsAsync(id, handle is SftpFileHandle ? VirtualPath.GetParent(handle.Path) : handle.Path));
    }

    /// <summary>statvfs@openssh.com reply: 11 uint64 (bsize, frsize, blocks, bfree, bavail, files, ffree, favail, fsid, flag, namemax).</summary>
    private async ValueTask SendStatvfsAsync(uint id, string path)
    {
        var space = await context.RequireCapability<IVfsSpaceInfo>().GetSpaceAsync(path, context.Token);
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
        await context.Output.SendAsync(response, context.Token);
    }

    /// <summary>limits@openssh.com reply: max packet, max read, max write, max open handles (uint64 each).</summary>
    public Task LimitsAsync(uint id)
    {
        var response = SftpResponse.Create(SftpPacketType.ExtendedReply, id, 32);
        response.WriteUInt64(AdvertisedMaxPacketLength);
        response.WriteUInt64(SftpFileRequests.MaxReadLength);
        response.WriteUInt64(SftpFileRequests.MaxReadLength);
        response.WriteUInt64((ulong)context.Handles.Limit);
        return context.Output.SendAsync(response, context.Token).AsTask();
    }

    /// <summary>
    /// users-groups-by-id@openssh.com: the server keeps no account database, so every id gets an empty name and the
    /// client shows numbers.
    /// </summary>
    public Task UsersGroupsByIdAsync(uint id, SftpPayloadReader reader)
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
        return context.Output.SendAsync(response, context.Token).AsTask();
    }
}
