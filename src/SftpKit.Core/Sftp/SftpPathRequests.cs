using SftpKit.FileSystem;

namespace SftpKit.Sftp;

/// <summary>
/// Requests by path: STAT/LSTAT, SETSTAT and lsetstat@openssh.com, REMOVE, MKDIR, RMDIR, REALPATH, RENAME and
/// posix-rename@openssh.com, READLINK, SYMLINK, hardlink@openssh.com, expand-path@openssh.com and home-directory.
/// </summary>
internal sealed class SftpPathRequests(SftpRequestContext context)
{
    public async Task StatAsync(uint id, SftpPayloadReader reader, bool followLinks)
    {
        string path = SftpRequestContext.Resolve(reader.ReadString());
        // An atomic upload of this session is the file its own client sees (sshfs stats the file it is writing).
        var info = await FindInFlightAsync(path) is { } shared
            ? await shared.GetInfoAsync(context.Token)
            : await context.Fs.GetInfoAsync(path, followLinks, context.Token);
        await context.SendAttrsAsync(id, info);
    }

    public async Task SetstatAsync(uint id, SftpPayloadReader reader, bool followLinks)
    {
        string path = SftpRequestContext.Resolve(reader.ReadString());
        var change = reader.ReadAttributes().ToChange();
        if (change is not null)
        {
            if (await FindInFlightAsync(path) is { } shared)
            {
                await ChangeInFlightAsync(shared, change);
            }
            else
            {
                await context.Fs.SetInfoAsync(path, change, followLinks, context.Token);
            }
        }
        await context.SendOkAsync(id);
    }

    /// <summary>
    /// SETSTAT or FSETSTAT of an upload in flight: times, permissions and owner are recorded (STAT shows them) and
    /// applied when it is published; a size at the end of what was written is a no-op, a larger one extends it with
    /// zeros, a smaller one is refused (an upload cannot be cut back).
    /// </summary>
    public async ValueTask ChangeInFlightAsync(SftpInFlightUpload shared, VfsAttributeChange change)
    {
        if (change.Size is { } size)
        {
            var upload = shared.Upload;
            if (size < upload.End)
            {
                throw new VfsException(VfsError.Unsupported, "Cannot truncate a file while it is being uploaded.");
            }
            if (size > upload.End)
            {
                await upload.WriteAsync(size - 1, new byte[1], context.Token);
            }
            change = change with { Size = null };
        }
        if (change.Permissions is not null || change.Owner is not null || change.Times is not null)
        {
            shared.Record(change);
        }
    }

    /// <summary>
    /// REMOVE deletes a file, RMDIR an empty directory. Removing a file this session is uploading detaches the upload
    /// (discarded at its last CLOSE, as POSIX unlinks an open file) and removes the stored file, if any.
    /// </summary>
    public async Task DeleteAsync(uint id, SftpPayloadReader reader, bool directory)
    {
        string path = SftpRequestContext.Resolve(reader.ReadString());
        if (!directory && await FindInFlightAsync(path) is { } shared)
        {
            context.InFlight.Detach(shared);
            try
            {
                await context.Fs.DeleteFileAsync(path, context.Token);
            }
            catch (VfsException ex) when (ex.Error == VfsError.NotFound)
            {
                // Only the upload was there.
            }
            await context.SendOkAsync(id);
            return;
        }
        await (directory ? context.Fs.DeleteDirectoryAsync(path, context.Token) : context.Fs.DeleteFileAsync(path, context.Token));
        await context.SendOkAsync(id);
    }

    public async Task MkdirAsync(uint id, SftpPayloadReader reader)
    {
        string path = SftpRequestContext.Resolve(reader.ReadString());
        var attributes = reader.ReadAttributes();
        await context.Fs.CreateDirectoryAsync(path, context.Token);
        if ((attributes.Flags & SftpAttributeFlags.Permissions) != 0)
        {
            try
            {
                // As mkdir(2) under a umask: the storage made the directory with the bits its umask leaves (local storage:
                // 0777 & ~umask); the requested mode can only take bits away from those.
                uint created = (await context.Fs.GetInfoAsync(path, followLinks: false, context.Token)).Permissions & 0xFFF;
                uint wanted = attributes.Permissions & 0xFFF & created;
                if (wanted != created)
                {
                    await context.Fs.SetInfoAsync(path, new VfsAttributeChange { Permissions = wanted }, followLinks: false, context.Token);
                }
            }
            catch (VfsException ex) when (ex.Error is VfsError.PermissionDenied or VfsError.Unsupported)
            {
                // The mode is a request, as with mkdir(2) under a umask: an account without chmod still gets its directory.
            }
        }
        await context.SendOkAsync(id);
    }

    /// <summary>Canonical form of a path, relative to the home directory <c>/</c>. Existence is not required.</summary>
    public async Task RealpathAsync(uint id, SftpPayloadReader reader)
    {
        string path = SftpRequestContext.Resolve(reader.ReadString());
        await context.SendSingleNameAsync(id, path);
    }

    /// <summary>RENAME refuses an existing target (as the draft); posix-rename@openssh.com replaces it.</summary>
    /// <remarks>
    /// With uploads of this session in flight: renaming one of them is refused (FAILURE) until its handles are closed;
    /// renaming a file onto one replaces it for this session (posix-rename) or fails as onto an existing file (RENAME),
    /// and the upload replaced is detached and discarded at its last CLOSE.
    /// </remarks>
    public async Task RenameAsync(uint id, SftpPayloadReader reader, bool overwrite)
    {
        string from = SftpRequestContext.Resolve(reader.ReadString());
        string to = SftpRequestContext.Resolve(reader.ReadString());
        if (await FindInFlightAsync(from) is not null)
        {
            throw new VfsException(VfsError.Failure, "The file is being uploaded.");
        }
        var replaced = await FindInFlightAsync(to);
        if (replaced is not null && !overwrite)
        {
            throw new VfsException(VfsError.AlreadyExists, "File exists.");
        }
        await context.Fs.RenameAsync(from, to, overwrite, context.Token);
        if (replaced is not null)
        {
            context.InFlight.Detach(replaced);
        }
        await context.SendOkAsync(id);
    }

    /// <summary>This session's atomic upload in flight under <paramref name="path"/>, or null.</summary>
    private ValueTask<SftpInFlightUpload?> FindInFlightAsync(string path)
        => context.InFlight.IsEmpty ? ValueTask.FromResult<SftpInFlightUpload?>(null) : context.InFlight.FindAsync(path);

    public async Task ReadlinkAsync(uint id, SftpPayloadReader reader)
    {
        string path = SftpRequestContext.Resolve(reader.ReadString());
        var links = context.RequireCapability<IVfsSymbolicLinks>();
        string target = await links.ReadSymbolicLinkAsync(path, context.Token);
        await context.SendSingleNameAsync(id, target);
    }

    /// <summary>OpenSSH sends the target first and the link path second (reversed from the draft); we follow OpenSSH.</summary>
    public async Task SymlinkAsync(uint id, SftpPayloadReader reader)
    {
        string target = reader.ReadString();
        string linkPath = SftpRequestContext.Resolve(reader.ReadString());
        var links = context.RequireCapability<IVfsSymbolicLinks>();
        // An absolute target is a virtual path like any other; relative text is kept as the client wrote it.
        target = target.StartsWith('/') ? SftpRequestContext.Resolve(target) : CheckRelativeTarget(target);
        await links.CreateSymbolicLinkAsync(linkPath, target, context.Token);
        await context.SendOkAsync(id);
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

    public async Task HardlinkAsync(uint id, SftpPayloadReader reader)
    {
        string existing = SftpRequestContext.Resolve(reader.ReadString());
        string newPath = SftpRequestContext.Resolve(reader.ReadString());
        await context.RequireCapability<IVfsHardLinks>().CreateHardLinkAsync(existing, newPath, context.Token);
        await context.SendOkAsync(id);
    }

    /// <summary>expand-path@openssh.com: <c>~</c> and <c>~/x</c> (and <c>~user/x</c>: one chrooted account has one home) start at <c>/</c>.</summary>
    public async Task ExpandPathAsync(uint id, SftpPayloadReader reader)
    {
        string path = reader.ReadString();
        if (path.StartsWith('~'))
        {
            int slash = path.IndexOf('/', StringComparison.Ordinal);
            path = slash < 0 ? VirtualPath.Root : path[slash..];
        }
        await context.SendSingleNameAsync(id, SftpRequestContext.Resolve(path));
    }

    /// <summary>home-directory: every account is chrooted, so whoever is asked about, the home is the virtual root.</summary>
    public async Task HomeDirectoryAsync(uint id, SftpPayloadReader reader)
    {
        reader.ReadString();
        await context.SendSingleNameAsync(id, VirtualPath.Root);
    }
}
