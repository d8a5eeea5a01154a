using SftpKit.Events;
using SftpKit.FileSystem;

namespace SftpKit.Policies;

/// <summary>
/// The capabilities of the wrapped file system, each behind the same checks as the core operations. A capability the
/// wrapped file system lacks is absent here too.
/// </summary>
internal sealed partial class PolicyFileSystem
{
    private readonly SymbolicLinks? _symbolicLinks;
    private readonly HardLinks? _hardLinks;
    private readonly Space? _space;
    private readonly Copy? _copy;

    /// <summary>
    /// Symbolic and hard links, space figures and server-side copy of the wrapped file system, policy-checked; the
    /// existence probe of this layer; any other capability is the wrapped file system's own, unchecked (this layer
    /// does not know what it does).
    /// </summary>
    public T? GetCapability<T>()
        where T : class
        => VfsCapabilities.FirstOf<T>(_symbolicLinks, _hardLinks, _space, _copy, (IVfsInfoProbe)this) ?? _inner.GetCapability<T>();

    /// <summary>Runs <paramref name="operation"/>, posting its event (after it) when events are on.</summary>
    private ValueTask ObservedAsync(SftpEventKind kind, string path, string target, Func<ValueTask> operation, CancellationToken cancellationToken)
        => _events.Enabled ? _events.RunAsync(kind, path, target, pre: false, operation, cancellationToken) : operation();

    private sealed class SymbolicLinks(PolicyFileSystem owner, IVfsSymbolicLinks inner) : IVfsSymbolicLinks
    {
        public ValueTask CreateSymbolicLinkAsync(string linkPath, string target, CancellationToken cancellationToken) =>
            owner.ObservedAsync(SftpEventKind.Symlink, linkPath, target, () => CreateCoreAsync(linkPath, target, cancellationToken), cancellationToken);

        private async ValueTask CreateCoreAsync(string linkPath, string target, CancellationToken cancellationToken)
        {
            owner.Require(DirectoryOf(linkPath), SftpPermission.CreateSymlinks);
            await inner.CreateSymbolicLinkAsync(linkPath, target, cancellationToken).ConfigureAwait(false);
        }

        public ValueTask<string> ReadSymbolicLinkAsync(string linkPath, CancellationToken cancellationToken)
        {
            owner.Require(DirectoryOf(linkPath), SftpPermission.List);
            return inner.ReadSymbolicLinkAsync(linkPath, cancellationToken);
        }
    }

    private sealed class HardLinks(PolicyFileSystem owner, IVfsHardLinks inner) : IVfsHardLinks
    {
        public ValueTask CreateHardLinkAsync(string existingPath, string newPath, CancellationToken cancellationToken) =>
            owner.ObservedAsync(SftpEventKind.Symlink, newPath, existingPath, () => CreateCoreAsync(existingPath, newPath, cancellationToken), cancellationToken);

        private async ValueTask CreateCoreAsync(string existingPath, string newPath, CancellationToken cancellationToken)
        {
            owner.Require(DirectoryOf(newPath), SftpPermission.CreateSymlinks);
            owner.RequireName(existingPath);
            owner.RequireName(newPath);
            var info = await owner._inner.GetInfoAsync(existingPath, followLinks: false, cancellationToken).ConfigureAwait(false);
            var scope = owner._policy.QuotaFor(newPath);
            if (info.Type == VfsFileType.File)
            {
                await owner.EnsureRoomAsync(scope, info.Size, newFile: true, cancellationToken).ConfigureAwait(false);
            }
            await inner.CreateHardLinkAsync(existingPath, newPath, cancellationToken).ConfigureAwait(false);
            if (info.Type == VfsFileType.File)
            {
                await owner.AccountAsync(scope, info.Size, 1).ConfigureAwait(false);
            }
        }
    }

    /// <summary>The storage's figures, or with a quota the quota's, as users expect from df.</summary>
    private sealed class Space(PolicyFileSystem owner, IVfsSpaceInfo inner) : IVfsSpaceInfo
    {
        public async ValueTask<VfsSpaceInfo> GetSpaceAsync(string path, CancellationToken cancellationToken)
        {
            owner.Require(DirectoryOf(path), SftpPermission.List);
            var space = await inner.GetSpaceAsync(path, cancellationToken).ConfigureAwait(false);
            var scope = owner._policy.QuotaFor(path);
            if (scope.SizeLimit <= 0 && scope.FilesLimit <= 0)
            {
                return space;
            }
            var usage = await owner._ledger.Store.GetAsync(scope.Owner, cancellationToken).ConfigureAwait(false);
            long blockSize = Math.Max(1, space.BlockSize);
            long totalBlocks = space.TotalBlocks, freeBlocks = space.FreeBlocks, availBlocks = space.AvailableBlocks;
            if (scope.SizeLimit > 0)
            {
                totalBlocks = scope.SizeLimit / blockSize;
                long free = Math.Max(0, scope.SizeLimit - usage.Size) / blockSize;
                freeBlocks = Math.Min(free, space.FreeBlocks);
                availBlocks = Math.Min(free, space.AvailableBlocks);
            }
            long totalFiles = space.TotalFiles, freeFiles = space.FreeFiles;
            if (scope.FilesLimit > 0)
            {
                totalFiles = scope.FilesLimit;
                freeFiles = Math.Max(0, scope.FilesLimit - usage.Files);
            }
            return space with { TotalBlocks = totalBlocks, FreeBlocks = freeBlocks, AvailableBlocks = availBlocks, TotalFiles = totalFiles, FreeFiles = freeFiles };
        }
    }

    /// <summary>
    /// The path copy, checked as a download of the source and a copy into the target, within the quota. Copies
    /// between open files (<see cref="IVfsServerSideCopy.CopyOpenAsync"/>) are left to the caller, which streams them
    /// through this layer's writer.
    /// </summary>
    private sealed class Copy(PolicyFileSystem owner, IVfsServerSideCopy inner) : IVfsServerSideCopy
    {
        public ValueTask CopyAsync(string from, long fromOffset, long length, string to, long toOffset, CancellationToken cancellationToken) =>
            owner.ObservedAsync(SftpEventKind.Copy, from, to, () => CopyCoreAsync(from, fromOffset, length, to, toOffset, cancellationToken), cancellationToken);

        private async ValueTask CopyCoreAsync(string from, long fromOffset, long length, string to, long toOffset, CancellationToken cancellationToken)
        {
            owner.Require(DirectoryOf(from), SftpPermission.Download);
            owner.Require(DirectoryOf(to), SftpPermission.Copy);
            owner.RequireName(from);
            owner.RequireName(to);
            var source = await owner._inner.GetInfoAsync(from, followLinks: true, cancellationToken).ConfigureAwait(false);
            var before = await owner.TryGetInnerInfoAsync(to, followLinks: true, cancellationToken).ConfigureAwait(false);
            long end = toOffset + (length == 0 ? Math.Max(0, source.Size - fromOffset) : length);
            long growth = Math.Max(0, end - (before?.Size ?? 0));
            var scope = owner._policy.QuotaFor(to);
            if (owner._policy.MaxUploadFileSize > 0 && end > owner._policy.MaxUploadFileSize)
            {
                throw QuotaExceeded();
            }
            await owner.EnsureRoomAsync(scope, growth, newFile: before is null, cancellationToken).ConfigureAwait(false);
            await inner.CopyAsync(from, fromOffset, length, to, toOffset, cancellationToken).ConfigureAwait(false);
            var after = await owner.TryGetInnerInfoAsync(to, followLinks: true, CancellationToken.None).ConfigureAwait(false);
            await owner.AccountAsync(scope, (after?.Size ?? 0) - (before?.Size ?? 0), before is null && after is not null ? 1 : 0).ConfigureAwait(false);
        }
    }
}
