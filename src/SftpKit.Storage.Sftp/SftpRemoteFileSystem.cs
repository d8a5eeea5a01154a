using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Renci.SshNet;
using Renci.SshNet.Sftp;
using SftpKit.FileSystem;

namespace SftpKit.Storage.Sftp;

/// <summary>
/// A directory on another SFTP server as a file system (SSH.NET as the client). Paths map under
/// <see cref="SftpRemoteOptions.BaseDirectory"/>; the remote server enforces its own permissions and confinement.
/// Uploads are atomic by default (written to <c>.sftpkit-*.part</c> beside the target and renamed over it with
/// posix-rename at completion; removed when abandoned); a resumed upload (offset &gt; 0) appends to the target in place.
/// Reads are positional. Capabilities: none beyond the core operations (no links, random-access writes or space figures).
/// Host keys must match <see cref="SftpRemoteOptions.HostKeyFingerprints"/>; a mismatch refuses the connection.
/// </summary>
public sealed class SftpRemoteFileSystem : IVirtualFileSystem, IDisposable
{
    private readonly SftpRemoteOptions _options;
    private readonly ILogger _logger;
    private readonly SftpRemoteConnections _connections;
    private readonly string _base;

    /// <summary>Creates the file system; <see cref="ArgumentException"/> when <paramref name="options"/> are invalid. No connection is made yet.</summary>
    public SftpRemoteFileSystem(SftpRemoteOptions options, ILogger<SftpRemoteFileSystem>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = options.Errors().ToList();
        if (errors.Count > 0)
        {
            throw new ArgumentException(string.Join(" ", errors), nameof(options));
        }
        _options = options.Clone();
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _connections = new SftpRemoteConnections(_options, _logger);
        _base = _options.BaseDirectory.TrimEnd('/');
    }

    /// <inheritdoc />
    public ValueTask<VfsFileInfo> GetInfoAsync(string path, bool followLinks, CancellationToken cancellationToken)
        => With(async client =>
        {
            var attributes = await client.GetAttributesAsync(Remote(path), cancellationToken).ConfigureAwait(false);
            return ToInfo(VirtualPath.GetName(path), attributes);
        }, cancellationToken);

    /// <inheritdoc />
    public ValueTask SetInfoAsync(string path, VfsAttributeChange change, bool followLinks, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(change);
        return With(async client =>
        {
            string remote = Remote(path);
            var attributes = await client.GetAttributesAsync(remote, cancellationToken).ConfigureAwait(false);
            if (change.Size is { } size)
            {
                attributes.Size = size;
            }
            if (change.Permissions is { } mode)
            {
                attributes.SetPermissions(short.Parse(Convert.ToString(mode & 0x1FF, 8), System.Globalization.CultureInfo.InvariantCulture));
            }
            if (change.Times is { } times)
            {
                attributes.LastAccessTimeUtc = times.Access.UtcDateTime;
                attributes.LastWriteTimeUtc = times.Write.UtcDateTime;
            }
            client.SetAttributes(remote, attributes);
            return true;
        }, cancellationToken).AsValueTaskVoid();
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<VfsFileInfo> ListAsync(string path, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var client = await Run(() => _connections.GetAsync(cancellationToken)).ConfigureAwait(false);
        if (!(await GetAttributesAsync(Remote(path), cancellationToken).ConfigureAwait(false)).IsDirectory)
        {
            throw new VfsException(VfsError.NotADirectory, "Not a directory.");
        }
        var entries = client.ListDirectoryAsync(Remote(path), cancellationToken).GetAsyncEnumerator(cancellationToken);
        await using (entries.ConfigureAwait(false))
        {
            while (true)
            {
                ISftpFile entry;
                try
                {
                    if (!await entries.MoveNextAsync().ConfigureAwait(false))
                    {
                        yield break;
                    }
                    entry = entries.Current;
                }
                catch (Exception ex) when (SftpRemoteErrors.Map(_options, _logger, ex) is { } mapped)
                {
                    if (SftpRemoteErrors.IsConnectionFailure(ex))
                    {
                        _connections.Evict(client);
                    }
                    throw mapped;
                }
                if (entry.Name is "." or ".." || entry.Name.StartsWith(SftpRemoteWriter.TempPrefix, StringComparison.Ordinal))
                {
                    continue;
                }
                yield return ToInfo(entry.Name, entry.Attributes);
            }
        }
    }

    /// <inheritdoc />
    public ValueTask<IVfsReader> OpenReadAsync(string path, CancellationToken cancellationToken)
        => With<IVfsReader>(async client =>
        {
            string remote = Remote(path);
            // Servers open directories for reading as files; the attributes say what it is.
            if ((await client.GetAttributesAsync(remote, cancellationToken).ConfigureAwait(false)).IsDirectory)
            {
                throw new VfsException(VfsError.IsADirectory, "Is a directory.");
            }
            var stream = await client.OpenAsync(remote, FileMode.Open, FileAccess.Read, cancellationToken).ConfigureAwait(false);
            return new SftpRemoteReader(client, stream, VirtualPath.GetName(path), this);
        }, cancellationToken);

    /// <inheritdoc />
    public ValueTask<IVfsWriter> OpenWriteAsync(string path, VfsWriteOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        return With<IVfsWriter>(async client =>
        {
            try
            {
                return await SftpRemoteWriter.OpenAsync(client, Remote(path), VirtualPath.GetName(path), options, this, cancellationToken)
                    .ConfigureAwait(false);
            }
            catch (Renci.SshNet.Common.SftpPathNotFoundException) when (path.LastIndexOf('/') > 0)
            {
                // SFTP v3 says "no such file" for a parent that is a file; the parent's attributes tell them apart.
                string parent = Remote(path[..path.LastIndexOf('/')]);
                if (await client.ExistsAsync(parent, cancellationToken).ConfigureAwait(false)
                    && !(await client.GetAttributesAsync(parent, cancellationToken).ConfigureAwait(false)).IsDirectory)
                {
                    throw new VfsException(VfsError.NotADirectory, "Not a directory.");
                }
                throw;
            }
        }, cancellationToken);
    }

    /// <inheritdoc />
    public ValueTask CreateDirectoryAsync(string path, CancellationToken cancellationToken)
        => With(async client =>
        {
            string remote = Remote(path);
            if (await client.ExistsAsync(remote, cancellationToken).ConfigureAwait(false))
            {
                throw new VfsException(VfsError.AlreadyExists, "The path exists.");
            }
            await client.CreateDirectoryAsync(remote, cancellationToken).ConfigureAwait(false);
            return true;
        }, cancellationToken).AsValueTaskVoid();

    /// <inheritdoc />
    public ValueTask DeleteFileAsync(string path, CancellationToken cancellationToken)
        => With(async client =>
        {
            string remote = Remote(path);
            var attributes = await client.GetAttributesAsync(remote, cancellationToken).ConfigureAwait(false);
            if (attributes.IsDirectory)
            {
                throw new VfsException(VfsError.IsADirectory, "Is a directory.");
            }
            await client.DeleteFileAsync(remote, cancellationToken).ConfigureAwait(false);
            return true;
        }, cancellationToken).AsValueTaskVoid();

    /// <inheritdoc />
    public ValueTask DeleteDirectoryAsync(string path, CancellationToken cancellationToken)
        => With(async client =>
        {
            string remote = Remote(path);
            var attributes = await client.GetAttributesAsync(remote, cancellationToken).ConfigureAwait(false);
            if (!attributes.IsDirectory)
            {
                throw new VfsException(VfsError.NotADirectory, "Not a directory.");
            }
            await foreach (var entry in client.ListDirectoryAsync(remote, cancellationToken).ConfigureAwait(false))
            {
                if (entry.Name is not "." and not "..")
                {
                    throw new VfsException(VfsError.DirectoryNotEmpty, "The directory is not empty.");
                }
            }
            await client.DeleteDirectoryAsync(remote, cancellationToken).ConfigureAwait(false);
            return true;
        }, cancellationToken).AsValueTaskVoid();

    /// <inheritdoc />
    public ValueTask RenameAsync(string from, string to, bool overwrite, CancellationToken cancellationToken)
        => With(async client =>
        {
            string source = Remote(from);
            string target = Remote(to);
            // Existence first so the error is precise; the remote rename decides in the end (posix-rename replaces).
            await client.GetAttributesAsync(source, cancellationToken).ConfigureAwait(false);
            if (await client.ExistsAsync(target, cancellationToken).ConfigureAwait(false))
            {
                if (!overwrite)
                {
                    throw new VfsException(VfsError.AlreadyExists, "The target exists.");
                }
                if ((await client.GetAttributesAsync(target, cancellationToken).ConfigureAwait(false)).IsDirectory)
                {
                    await foreach (var entry in client.ListDirectoryAsync(target, cancellationToken).ConfigureAwait(false))
                    {
                        if (entry.Name is not "." and not "..")
                        {
                            throw new VfsException(VfsError.DirectoryNotEmpty, "The directory is not empty.");
                        }
                    }
                }
            }
            client.RenameFile(source, target, isPosix: true);
            return true;
        }, cancellationToken).AsValueTaskVoid();

    /// <inheritdoc />
    public T? GetCapability<T>()
        where T : class
        => null;

    /// <summary>Closes the connections.</summary>
    public void Dispose() => _connections.Dispose();

    private ValueTask<T> Run<T>(Func<ValueTask<T>> operation) => SftpRemoteErrors.RunAsync(_options, _logger, operation);

    internal ValueTask<SftpFileAttributes> GetAttributesAsync(string remote, CancellationToken cancellationToken)
        => With(client => new ValueTask<SftpFileAttributes>(client.GetAttributesAsync(remote, cancellationToken)), cancellationToken);

    internal ValueTask DeleteQuietlyAsync(string remote)
        => With(async client =>
        {
            await client.DeleteFileAsync(remote, CancellationToken.None).ConfigureAwait(false);
            return true;
        }, CancellationToken.None).AsValueTaskVoid();

    internal ValueTask RenameOverAsync(string from, string to, CancellationToken cancellationToken)
        => With(client =>
        {
            client.RenameFile(from, to, isPosix: true);
            return ValueTask.FromResult(true);
        }, cancellationToken).AsValueTaskVoid();

    /// <summary>
    /// Runs <paramref name="operation"/> on <paramref name="client"/> (an open file's connection), mapping its errors; a
    /// connection failure evicts the client from the pool so that the next operation connects afresh.
    /// </summary>
    internal ValueTask<T> RunOn<T>(SftpClient client, Func<ValueTask<T>> operation)
        => Run(async () =>
        {
            try
            {
                return await operation().ConfigureAwait(false);
            }
            catch (Exception ex) when (SftpRemoteErrors.IsConnectionFailure(ex))
            {
                _connections.Evict(client);
                throw;
            }
        });

    /// <summary><see cref="RunOn{T}"/> with a pooled client.</summary>
    private ValueTask<T> With<T>(Func<SftpClient, ValueTask<T>> operation, CancellationToken cancellationToken)
        => Run(async () =>
        {
            var client = await _connections.GetAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                return await operation(client).ConfigureAwait(false);
            }
            catch (Exception ex) when (SftpRemoteErrors.IsConnectionFailure(ex))
            {
                _connections.Evict(client);
                throw;
            }
        });

    private string Remote(string path) => path == "/" ? (_base.Length == 0 ? "/" : _base) : _base + path;

    internal static VfsFileInfo ToInfo(string name, SftpFileAttributes attributes) => new()
    {
        Name = name,
        Type = attributes.IsDirectory ? VfsFileType.Directory
            : attributes.IsSymbolicLink ? VfsFileType.SymbolicLink
            : attributes.IsRegularFile ? VfsFileType.File
            : VfsFileType.Other,
        Size = attributes.IsDirectory ? 0 : attributes.Size,
        Permissions = Mode(attributes),
        LastWriteTime = new DateTimeOffset(attributes.LastWriteTimeUtc, TimeSpan.Zero),
        LastAccessTime = new DateTimeOffset(attributes.LastAccessTimeUtc, TimeSpan.Zero),
        Uid = (uint)attributes.UserId,
        Gid = (uint)attributes.GroupId,
    };

    private static uint Mode(SftpFileAttributes a)
    {
        uint mode = 0;
        if (a.OwnerCanRead) { mode |= 0x100; }
        if (a.OwnerCanWrite) { mode |= 0x80; }
        if (a.OwnerCanExecute) { mode |= 0x40; }
        if (a.GroupCanRead) { mode |= 0x20; }
        if (a.GroupCanWrite) { mode |= 0x10; }
        if (a.GroupCanExecute) { mode |= 0x8; }
        if (a.OthersCanRead) { mode |= 0x4; }
        if (a.OthersCanWrite) { mode |= 0x2; }
        if (a.OthersCanExecute) { mode |= 0x1; }
        return mode;
    }
}

internal static class ValueTaskExtensions
{
    public static async ValueTask AsValueTaskVoid<T>(this ValueTask<T> task) => await task.ConfigureAwait(false);
}
