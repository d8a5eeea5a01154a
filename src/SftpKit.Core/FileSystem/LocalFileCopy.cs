using System.Buffers;
using Microsoft.Win32.SafeHandles;

namespace SftpKit.FileSystem;

/// <summary>
/// Copies a byte range between two open local files: in the kernel with copy_file_range(2) (no bytes through user
/// space; reflinks on file systems that share extents), else through one pooled 256 KiB buffer. Both handles were
/// opened — and confined — by <see cref="LocalFileSystem"/>, so no path is looked up here.
/// </summary>
internal static class LocalFileCopy
{
    /// <summary>Largest range handed to one copy_file_range call, so cancellation is checked between calls: 16 MiB.</summary>
    private const long KernelChunk = 16 * 1024 * 1024;

    private const int BufferSize = 256 * 1024;

    /// <summary>Copies <paramref name="length"/> bytes (0 = to the source's end); returns the number copied.</summary>
    public static async ValueTask<long> CopyAsync(SafeFileHandle source, long sourceOffset, long length, SafeFileHandle target, long targetOffset,
        CancellationToken cancellationToken)
    {
        if (sourceOffset < 0 || length < 0 || targetOffset < 0)
        {
            throw new VfsException(VfsError.Failure, "Negative offset or length.");
        }
        try
        {
            long available = Math.Max(0, RandomAccess.GetLength(source) - sourceOffset);
            long total = length == 0 ? available : Math.Min(length, available);
            long copied = CopyInKernel(source, sourceOffset, target, targetOffset, total, cancellationToken);
            if (copied < total)
            {
                copied += await CopyBufferedAsync(source, sourceOffset + copied, target, targetOffset + copied, total - copied, cancellationToken);
            }
            return copied;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw LocalErrorMapper.FromException(ex);
        }
    }

    /// <summary>Copies the whole of <paramref name="source"/> to the start of <paramref name="target"/> (synchronous: resuming an atomic upload).</summary>
    public static void CopyAll(SafeFileHandle source, SafeFileHandle target)
    {
        long total = RandomAccess.GetLength(source);
        long copied = CopyInKernel(source, 0, target, 0, total, CancellationToken.None);
        if (copied >= total)
        {
            return;
        }
        byte[] buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        try
        {
            int read;
            while ((read = RandomAccess.Read(source, buffer.AsSpan(0, BufferSize), copied)) > 0)
            {
                RandomAccess.Write(target, buffer.AsSpan(0, read), copied);
                copied += read;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>As far as copy_file_range goes; stops early (for the buffered copy to finish) where it cannot.</summary>
    private static long CopyInKernel(SafeFileHandle source, long sourceOffset, SafeFileHandle target, long targetOffset, long total,
        CancellationToken cancellationToken)
    {
        long copied = 0;
        while (copied < total)
        {
            cancellationToken.ThrowIfCancellationRequested();
            long result = UnixNative.CopyFileRange(source, sourceOffset + copied, target, targetOffset + copied, Math.Min(KernelChunk, total - copied));
            if (result > 0)
            {
                copied += result;
                continue;
            }
            int errno = (int)-result;
            if (result == 0 || IsUnsupported(errno))
            {
                // 0 before the end: some file systems (procfs-like, FUSE) report nothing copied; let read/write try.
                return copied;
            }
            throw LocalErrorMapper.FromErrno(errno);
        }
        return copied;
    }

    /// <summary>
    /// errnos that mean "not here" rather than a failure: no syscall, another file system (EXDEV), a file system
    /// without support, overlapping ranges of one file or special files (EINVAL), or an O_APPEND target (EBADF).
    /// </summary>
    private static bool IsUnsupported(int errno) =>
        errno == UnixErrno.ENOSYS || errno == UnixErrno.EXDEV || errno == UnixErrno.EOPNOTSUPP || errno == UnixErrno.EINVAL || errno == UnixErrno.EBADF;

    private static async ValueTask<long> CopyBufferedAsync(SafeFileHandle source, long sourceOffset, SafeFileHandle target, long targetOffset, long count,
        CancellationToken cancellationToken)
    {
        byte[] buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        try
        {
            long copied = 0;
            while (copied < count)
            {
                int want = (int)Math.Min(BufferSize, count - copied);
                int read = await RandomAccess.ReadAsync(source, buffer.AsMemory(0, want), sourceOffset + copied, cancellationToken);
                if (read == 0)
                {
                    break; // the source shrank meanwhile
                }
                await RandomAccess.WriteAsync(target, buffer.AsMemory(0, read), targetOffset + copied, cancellationToken);
                copied += read;
            }
            return copied;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
