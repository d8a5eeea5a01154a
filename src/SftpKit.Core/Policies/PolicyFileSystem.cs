using System.Runtime.CompilerServices;
using System.Diagnostics;
using SftpKit.Accounts;
using SftpKit.Events;
using SftpKit.FileSystem;

namespace SftpKit.Policies;

/// <summary>
/// The one place where an account's policies meet its files: every SFTP request, SCP transfer and command reaches
/// the account's storage through this decorator, which checks permissions (nearest configured directory wins),
/// file-name patterns, quotas and the upload size limit before the operation, throttles transfers, and keeps quota
/// usage current after it. Denials are <see cref="VfsException"/>s with <see cref="VfsError.PermissionDenied"/> or
/// <see cref="VfsError.QuotaExceeded"/>, which every protocol maps to its own generic error.
/// </summary>
internal sealed partial class PolicyFileSystem : IVirtualFileSystem, IVfsInfoProbe
{
    private readonly IVirtualFileSystem _inner;
    private readonly SftpAccountPolicy _policy;
    private readonly SftpQuotaLedger _ledger;
    private readonly PolicyEvents _events;

    public PolicyFileSystem(IVirtualFileSystem inner, SftpAccountPolicy policy, SftpQuotaLedger ledger, PolicyEvents? events = null)
    {
        _inner = inner;
        _policy = policy;
        _ledger = ledger;
        _events = events ?? new PolicyEvents(null, policy.UserName, SftpEventProtocol.Sftp, null, null);
        _symbolicLinks = inner.GetCapability<IVfsSymbolicLinks>() is { } symbolic ? new SymbolicLinks(this, symbolic) : null;
        _hardLinks = inner.GetCapability<IVfsHardLinks>() is { } hard ? new HardLinks(this, hard) : null;
        _space = inner.GetCapability<IVfsSpaceInfo>() is { } space ? new Space(this, space) : null;
        _copy = inner.GetCapability<IVfsServerSideCopy>() is { } copy ? new Copy(this, copy) : null;
    }

    internal PolicyEvents Events => _events;

    internal SftpAccountPolicy Policy => _policy;

    public async ValueTask<VfsFileInfo> GetInfoAsync(string path, bool followLinks, CancellationToken cancellationToken)
    {
        Require(DirectoryOf(path), SftpPermission.List);
        var info = await _inner.GetInfoAsync(path, followLinks, cancellationToken).ConfigureAwait(false);
        if (info.Type != VfsFileType.Directory && !_policy.FileNames.IsAllowed(path))
        {
            throw Denied();
        }
        return info;
    }

    public async ValueTask<VfsFileInfo?> TryGetInfoAsync(string path, bool followLinks, CancellationToken cancellationToken)
    {
        Require(DirectoryOf(path), SftpPermission.List);
        var info = await VfsInfoProbe.TryGetInfoAsync(_inner, path, followLinks, cancellationToken).ConfigureAwait(false);
        if (info is not null && info.Type != VfsFileType.Directory && !_policy.FileNames.IsAllowed(path))
        {
            throw Denied();
        }
        return info;
    }

    public ValueTask SetInfoAsync(string path, VfsAttributeChange change, bool followLinks, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(change);
        var kind = change.Size is not null ? SftpEventKind.Truncate
            : change.Permissions is not null ? SftpEventKind.Chmod
            : change.Owner is not null ? SftpEventKind.Chown
            : SftpEventKind.Chtimes;
        return _events.Enabled
            ? _events.RunAsync(kind, path, null, pre: false, () => SetInfoCoreAsync(path, change, followLinks, cancellationToken), cancellationToken)
            : SetInfoCoreAsync(path, change, followLinks, cancellationToken);
    }

    private async ValueTask SetInfoCoreAsync(string path, VfsAttributeChange change, bool followLinks, CancellationToken cancellationToken)
    {
        string dir = DirectoryOf(path);
        var required = SftpPermission.None;
        if (change.Size is not null)
        {
            required |= SftpPermission.Overwrite;
        }
        if (change.Permissions is not null)
        {
            required |= SftpPermission.Chmod;
        }
        if (change.Owner is not null)
        {
            required |= SftpPermission.Chown;
        }
        if (change.Times is not null)
        {
            required |= SftpPermission.Chtimes;
        }
        Require(dir, required);
        await CheckNameAsync(path, cancellationToken).ConfigureAwait(false);
        if (change.Size is not long newSize)
        {
            await _inner.SetInfoAsync(path, change, followLinks, cancellationToken).ConfigureAwait(false);
            return;
        }
        var scope = _policy.QuotaFor(path);
        long oldSize = (await _inner.GetInfoAsync(path, followLinks, cancellationToken).ConfigureAwait(false)).Size;
        long growth = newSize - oldSize;
        if (growth > 0)
        {
            if (_policy.MaxUploadFileSize > 0 && newSize > _policy.MaxUploadFileSize)
            {
                throw QuotaExceeded();
            }
            await EnsureRoomAsync(scope, growth, newFile: false, cancellationToken).ConfigureAwait(false);
        }
        await _inner.SetInfoAsync(path, change, followLinks, cancellationToken).ConfigureAwait(false);
        if (scope.Tracked && growth != 0)
        {
            await _ledger.RecordAsync(scope.Owner, growth, 0).ConfigureAwait(false);
        }
    }

    public IAsyncEnumerable<VfsFileInfo> ListAsync(string path, CancellationToken cancellationToken)
    {
        Require(path, SftpPermission.List);
        var entries = _inner.ListAsync(path, cancellationToken);
        return _policy.FileNames.IsEmpty ? entries : FilterAsync(path, entries, cancellationToken);
    }

    public async ValueTask<IVfsReader> OpenReadAsync(string path, CancellationToken cancellationToken)
    {
        long start = Stopwatch.GetTimestamp();
        IVfsReader reader;
        DataTransferMeter? meter;
        try
        {
            Require(DirectoryOf(path), SftpPermission.Download);
            RequireName(path);
            meter = await DataTransferMeter.StartAsync(_policy.TransferCaps, _ledger, upload: false, cancellationToken).ConfigureAwait(false);
            await _events.PreAsync(SftpEventKind.Download, path, null, cancellationToken).ConfigureAwait(false);
            reader = await _inner.OpenReadAsync(path, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (_events.Enabled && ex is VfsException)
        {
            _events.Post(SftpEventKind.Download, path, null, null, start, ex);
            throw;
        }
        return _policy.DownloadBuckets.Length == 0 && !_events.Tracks && meter is null
            ? reader
            : new PolicyReader(reader, _policy.DownloadBuckets, _events, path, start, meter);
    }

    public async ValueTask<IVfsWriter> OpenWriteAsync(string path, VfsWriteOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        long start = Stopwatch.GetTimestamp();
        try
        {
            return await OpenWriteCoreAsync(path, options, start, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (_events.Enabled && ex is VfsException)
        {
            _events.Post(SftpEventKind.Upload, path, null, null, start, ex);
            throw;
        }
    }

    private async ValueTask<IVfsWriter> OpenWriteCoreAsync(string path, VfsWriteOptions options, long start, CancellationToken cancellationToken)
    {
        RequireName(path);
        VfsFileInfo? existing = options.TargetProbed
            ? options.ProbedTarget
            : await TryGetInnerInfoAsync(path, followLinks: true, cancellationToken).ConfigureAwait(false);
        if (existing is { Type: VfsFileType.Directory })
        {
            throw new VfsException(VfsError.IsADirectory, "Is a directory.");
        }
        Require(DirectoryOf(path), existing is null ? SftpPermission.Upload : SftpPermission.Overwrite);
        if (_policy.MaxUploadFileSize > 0 && options.Offset > _policy.MaxUploadFileSize)
        {
            throw QuotaExceeded();
        }
        var scope = _policy.QuotaFor(path);
        long oldSize = existing?.Size ?? 0;
        long baseSize = options.Truncate ? 0 : oldSize;
        await EnsureRoomAsync(scope, 0, newFile: existing is null, cancellationToken).ConfigureAwait(false);
        var meter = await DataTransferMeter.StartAsync(_policy.TransferCaps, _ledger, upload: true, cancellationToken).ConfigureAwait(false);
        await _events.PreAsync(SftpEventKind.Upload, path, null, cancellationToken).ConfigureAwait(false);
        var writer = await _inner.OpenWriteAsync(path, options, cancellationToken).ConfigureAwait(false);
        var tracker = new UploadTracker(this, path, scope, existing is not null, oldSize, baseSize, options.Atomic, start, meter);
        return writer is IVfsRandomAccessWriter random
            ? new PolicyRandomAccessWriter(random, tracker)
            : new PolicyWriter(writer, tracker);
    }

    public ValueTask CreateDirectoryAsync(string path, CancellationToken cancellationToken) =>
        _events.Enabled
            ? _events.RunAsync(SftpEventKind.Mkdir, path, null, pre: true, () => CreateDirectoryCoreAsync(path, cancellationToken), cancellationToken)
            : CreateDirectoryCoreAsync(path, cancellationToken);

    private async ValueTask CreateDirectoryCoreAsync(string path, CancellationToken cancellationToken)
    {
        Require(DirectoryOf(path), SftpPermission.CreateDirs);
        await _inner.CreateDirectoryAsync(path, cancellationToken).ConfigureAwait(false);
    }

    public ValueTask DeleteFileAsync(string path, CancellationToken cancellationToken) =>
        _events.Enabled
            ? _events.RunAsync(SftpEventKind.Delete, path, null, pre: true, () => DeleteFileCoreAsync(path, cancellationToken), cancellationToken)
            : DeleteFileCoreAsync(path, cancellationToken);

    private async ValueTask DeleteFileCoreAsync(string path, CancellationToken cancellationToken)
    {
        Require(DirectoryOf(path), SftpPermission.DeleteFiles);
        RequireName(path);
        var info = await TryGetInnerInfoAsync(path, followLinks: false, cancellationToken).ConfigureAwait(false);
        await _inner.DeleteFileAsync(path, cancellationToken).ConfigureAwait(false);
        if (info is { Type: VfsFileType.File })
        {
            await AccountAsync(_policy.QuotaFor(path), -info.Size, -1).ConfigureAwait(false);
        }
    }

    public ValueTask DeleteDirectoryAsync(string path, CancellationToken cancellationToken) =>
        _events.Enabled
            ? _events.RunAsync(SftpEventKind.Rmdir, path, null, pre: true, () => DeleteDirectoryCoreAsync(path, cancellationToken), cancellationToken)
            : DeleteDirectoryCoreAsync(path, cancellationToken);

    private async ValueTask DeleteDirectoryCoreAsync(string path, CancellationToken cancellationToken)
    {
        Require(DirectoryOf(path), SftpPermission.DeleteDirs);
        await _inner.DeleteDirectoryAsync(path, cancellationToken).ConfigureAwait(false);
    }

    public ValueTask RenameAsync(string from, string to, bool overwrite, CancellationToken cancellationToken) =>
        _events.Enabled
            ? _events.RunAsync(SftpEventKind.Rename, from, to, pre: true, () => RenameCoreAsync(from, to, overwrite, cancellationToken), cancellationToken)
            : RenameCoreAsync(from, to, overwrite, cancellationToken);

    private async ValueTask RenameCoreAsync(string from, string to, bool overwrite, CancellationToken cancellationToken)
    {
        var source = await TryGetInnerInfoAsync(from, followLinks: false, cancellationToken).ConfigureAwait(false)
            ?? throw new VfsException(VfsError.NotFound, "No such file.");
        bool isDir = source.Type == VfsFileType.Directory;
        var needed = isDir ? SftpPermission.RenameDirs : SftpPermission.RenameFiles;
        Require(DirectoryOf(from), needed);
        Require(DirectoryOf(to), needed);
        if (!isDir)
        {
            RequireName(from);
            RequireName(to);
        }
        var target = await TryGetInnerInfoAsync(to, followLinks: false, cancellationToken).ConfigureAwait(false);
        if (target is not null && overwrite)
        {
            Require(DirectoryOf(to), SftpPermission.Overwrite);
        }
        var fromScope = _policy.QuotaFor(from);
        var toScope = _policy.QuotaFor(to);
        SftpQuotaUsage moved = default;
        if (fromScope.Owner != toScope.Owner)
        {
            moved = isDir
                ? await SftpQuotaScanner.MeasureAsync(_inner, from, long.MaxValue, cancellationToken).ConfigureAwait(false)
                : source.Type == VfsFileType.File ? new SftpQuotaUsage(source.Size, 1) : default;
            long targetFreed = target is { Type: VfsFileType.File } ? target.Size : 0;
            await EnsureRoomAsync(toScope, Math.Max(0, moved.Size - targetFreed), newFile: false, cancellationToken, extraFiles: moved.Files).ConfigureAwait(false);
        }
        await _inner.RenameAsync(from, to, overwrite, cancellationToken).ConfigureAwait(false);
        if (target is { Type: VfsFileType.File } && overwrite)
        {
            await AccountAsync(toScope, -target.Size, -1).ConfigureAwait(false);
        }
        if (fromScope.Owner != toScope.Owner && (moved.Size != 0 || moved.Files != 0))
        {
            await AccountAsync(fromScope, -moved.Size, -moved.Files).ConfigureAwait(false);
            await AccountAsync(toScope, moved.Size, moved.Files).ConfigureAwait(false);
        }
    }

    internal async ValueTask EnsureRoomAsync(QuotaScope scope, long growth, bool newFile, CancellationToken cancellationToken, long extraFiles = 0)
    {
        if (!scope.Tracked || !scope.Limited)
        {
            return;
        }
        var usage = await _ledger.Store.GetAsync(scope.Owner, cancellationToken).ConfigureAwait(false);
        var unsaved = _ledger.Unsaved(scope.Owner);
        usage = new SftpQuotaUsage(usage.Size + unsaved.Size, usage.Files + unsaved.Files);
        long files = usage.Files + (newFile ? 1 : 0) + extraFiles;
        if (scope.FilesLimit > 0 && files > scope.FilesLimit)
        {
            throw QuotaExceeded();
        }
        long size = usage.Size + _ledger.Pending(scope.Owner) + growth;
        if (scope.SizeLimit > 0 && (size > scope.SizeLimit || (growth == 0 && usage.Size >= scope.SizeLimit)))
        {
            throw QuotaExceeded();
        }
    }

    internal async ValueTask AccountAsync(QuotaScope scope, long sizeDelta, long filesDelta)
    {
        if (scope.Tracked && (sizeDelta != 0 || filesDelta != 0))
        {
            await _ledger.RecordAsync(scope.Owner, sizeDelta, filesDelta).ConfigureAwait(false);
        }
    }

    internal SftpQuotaLedger Ledger => _ledger;

    /// <summary>The inner file system's answer without this layer's checks; null when missing or under a non-directory.</summary>
    internal async ValueTask<VfsFileInfo?> TryGetInnerInfoAsync(string path, bool followLinks, CancellationToken cancellationToken)
    {
        try
        {
            return await VfsInfoProbe.TryGetInfoAsync(_inner, path, followLinks, cancellationToken).ConfigureAwait(false);
        }
        catch (VfsException ex) when (ex.Error is VfsError.NotFound or VfsError.NotADirectory)
        {
            return null;
        }
    }

    private async IAsyncEnumerable<VfsFileInfo> FilterAsync(string directory, IAsyncEnumerable<VfsFileInfo> entries,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var entry in entries.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            if (entry.Type == VfsFileType.Directory || _policy.FileNames.IsAllowed(VirtualPath.Combine(directory, entry.Name)))
            {
                yield return entry;
            }
        }
    }

    private async ValueTask CheckNameAsync(string path, CancellationToken cancellationToken)
    {
        if (_policy.FileNames.IsEmpty)
        {
            return;
        }
        var info = await TryGetInnerInfoAsync(path, followLinks: false, cancellationToken).ConfigureAwait(false);
        if (info is not null && info.Type != VfsFileType.Directory)
        {
            RequireName(path);
        }
    }

    private void RequireName(string path)
    {
        if (!_policy.FileNames.IsAllowed(path))
        {
            throw Denied();
        }
    }

    private void Require(string directory, SftpPermission permission)
    {
        if (permission != SftpPermission.None && !_policy.Permissions.Has(directory, permission))
        {
            throw Denied();
        }
    }

    private static string DirectoryOf(string path) => path == VirtualPath.Root ? VirtualPath.Root : VirtualPath.GetParent(path);

    private static VfsException Denied() => new(VfsError.PermissionDenied, "Permission denied.");

    internal static VfsException QuotaExceeded() => new(VfsError.QuotaExceeded, "Quota exceeded.");
}
