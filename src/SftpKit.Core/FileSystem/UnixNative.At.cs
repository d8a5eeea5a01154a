using System.Buffers;
using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Win32.SafeHandles;

namespace SftpKit.FileSystem;

/// <summary>
/// The <c>*at</c> calls that act on one name inside an open directory handle (fstatat, fchmodat, utimensat, fchownat,
/// openat for truncation, symlinkat, readlinkat, linkat), so that a directory swapped for a link in the path after the
/// handle was checked cannot redirect them. Only valid where <see cref="HasDirectoryCalls"/> is true; none of them
/// follows a final symbolic link.
/// </summary>
internal static partial class UnixNative
{
    private const int OWrOnly = 0x1, ONonBlock = 0x800;
    private const int OPathLinux = 0x200000; // the same on x86_64 and arm64
    private const int LinkPathMax = PathMax + 1;

    /// <summary>O_PATH on Linux (a handle usable as an <c>*at</c> base that needs no read permission), else 0.</summary>
    private static int OPath => OperatingSystem.IsLinux() ? OPathLinux : 0;

    /// <summary>fstatat(AT_SYMLINK_NOFOLLOW) of <paramref name="name"/> inside <paramref name="directory"/>; null with errno on failure.</summary>
    public static UnixStat? StatAt(SafeFileHandle directory, string name, out int errno)
    {
        errno = 0;
        if (!HasKnownLayout)
        {
            return null;
        }
        byte[] cName = RentCString(name);
        byte[] buffer = ArrayPool<byte>.Shared.Rent(StatBufferSize);
        using var lease = new Lease(directory);
        try
        {
            if (fstatat(lease.Fd, cName, buffer, AtSymlinkNoFollow) != 0)
            {
                errno = Marshal.GetLastPInvokeError();
                return null;
            }
            return Decode(buffer);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
            ArrayPool<byte>.Shared.Return(cName);
        }
    }

    /// <summary>
    /// fchmodat(AT_SYMLINK_NOFOLLOW) of <paramref name="name"/> inside <paramref name="directory"/>; 0 or errno.
    /// EOPNOTSUPP means the name is a symbolic link, whose own mode Linux cannot change. A C library that refuses the
    /// flag outright (glibc before 2.32) is met by doing what newer ones do: open the name with O_PATH|O_NOFOLLOW and
    /// change the mode of that very inode through <c>/proc/self/fd</c>.
    /// </summary>
    public static int ChangeModeAt(SafeFileHandle directory, string name, uint mode)
    {
        using var lease = new Lease(directory);
        byte[] cName = ToCString(name);
        if (fchmodat(lease.Fd, cName, mode & 0xFFF, AtSymlinkNoFollow) == 0)
        {
            return 0;
        }
        int errno = Marshal.GetLastPInvokeError();
        if (errno != UnixErrno.EOPNOTSUPP)
        {
            return errno;
        }
        int fd = openat(lease.Fd, cName, OPath | ONoFollow | OCloExec, 0);
        if (fd < 0)
        {
            return Marshal.GetLastPInvokeError();
        }
        using var pinned = new SafeFileHandle(fd, ownsHandle: true);
        if (FStat(fd) is not { } stat || stat.Type == VfsFileType.SymbolicLink)
        {
            return UnixErrno.EOPNOTSUPP;
        }
        return chmod(ToCString($"/proc/self/fd/{fd}"), mode & 0xFFF) == 0 ? 0 : Marshal.GetLastPInvokeError();
    }

    /// <summary>utimensat(AT_SYMLINK_NOFOLLOW) of <paramref name="name"/> inside <paramref name="directory"/>, nanosecond precision; 0 or errno.</summary>
    public static int SetTimesAt(SafeFileHandle directory, string name, DateTimeOffset access, DateTimeOffset write)
    {
        using var lease = new Lease(directory);
        long[] times = new long[4];
        (times[0], times[1]) = ToTimespec(access);
        (times[2], times[3]) = ToTimespec(write);
        return utimensat(lease.Fd, ToCString(name), times, AtSymlinkNoFollow) == 0 ? 0 : Marshal.GetLastPInvokeError();
    }

    private static (long Seconds, long Nanoseconds) ToTimespec(DateTimeOffset time)
    {
        long ticks = time.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks;
        long seconds = Math.DivRem(ticks, TimeSpan.TicksPerSecond, out long rest);
        if (rest < 0)
        {
            seconds--;
            rest += TimeSpan.TicksPerSecond;
        }
        return (seconds, rest * 100);
    }

    /// <summary>fchownat(AT_SYMLINK_NOFOLLOW) of <paramref name="name"/> inside <paramref name="directory"/> (uint.MaxValue keeps an id); 0 or errno.</summary>
    public static int ChownAt(SafeFileHandle directory, string name, uint uid, uint gid)
    {
        using var lease = new Lease(directory);
        return fchownat(lease.Fd, ToCString(name), uid, gid, AtSymlinkNoFollow) == 0 ? 0 : Marshal.GetLastPInvokeError();
    }

    /// <summary>fchown of an open descriptor (uint.MaxValue keeps an id); 0 or errno.</summary>
    public static int FChown(SafeFileHandle handle, uint uid, uint gid)
    {
        using var lease = new Lease(handle);
        return fchown(lease.Fd, uid, gid) == 0 ? 0 : Marshal.GetLastPInvokeError();
    }

    /// <summary>
    /// Opens <paramref name="name"/> inside <paramref name="directory"/> write-only with O_NOFOLLOW|O_NONBLOCK (a link
    /// fails with ELOOP, a FIFO without reader with ENXIO instead of blocking); the errno when not.
    /// </summary>
    public static SafeFileHandle? OpenForWriteAt(SafeFileHandle directory, string name, out int errno)
    {
        using var lease = new Lease(directory);
        int fd = openat(lease.Fd, ToCString(name), OWrOnly | ONoFollow | ONonBlock | OCloExec, 0);
        errno = fd < 0 ? Marshal.GetLastPInvokeError() : 0;
        return fd < 0 ? null : new SafeFileHandle(fd, ownsHandle: true);
    }

    /// <summary>symlinkat: a link <paramref name="name"/> inside <paramref name="directory"/> holding <paramref name="target"/>; 0 or errno.</summary>
    public static int SymbolicLinkAt(string target, SafeFileHandle directory, string name)
    {
        using var lease = new Lease(directory);
        return symlinkat(ToCString(target), lease.Fd, ToCString(name)) == 0 ? 0 : Marshal.GetLastPInvokeError();
    }

    /// <summary>readlinkat of <paramref name="name"/> inside <paramref name="directory"/>; null with errno (EINVAL: not a link).</summary>
    public static string? ReadLinkAt(SafeFileHandle directory, string name, out int errno)
    {
        byte[] cName = RentCString(name);
        byte[] buffer = ArrayPool<byte>.Shared.Rent(LinkPathMax);
        using var lease = new Lease(directory);
        try
        {
            nint length = readlinkat(lease.Fd, cName, buffer, LinkPathMax);
            if (length < 0)
            {
                errno = Marshal.GetLastPInvokeError();
                return null;
            }
            if (length >= LinkPathMax)
            {
                errno = UnixErrno.ENAMETOOLONG; // longer than any path the kernel resolves
                return null;
            }
            errno = 0;
            return Encoding.UTF8.GetString(buffer, 0, (int)length);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
            ArrayPool<byte>.Shared.Return(cName);
        }
    }

    /// <summary>linkat without AT_SYMLINK_FOLLOW (a link is linked itself, never its target); 0 or errno.</summary>
    public static int LinkAt(SafeFileHandle fromDirectory, string from, SafeFileHandle toDirectory, string to)
    {
        using var fromLease = new Lease(fromDirectory);
        using var toLease = new Lease(toDirectory);
        return linkat(fromLease.Fd, ToCString(from), toLease.Fd, ToCString(to), 0) == 0 ? 0 : Marshal.GetLastPInvokeError();
    }

    /// <summary>Keeps a handle's descriptor alive (and its number valid) for the length of one native call.</summary>
    private ref struct Lease
    {
        private readonly SafeFileHandle _handle;
        private bool _added;

        public Lease(SafeFileHandle handle)
        {
            _handle = handle;
            handle.DangerousAddRef(ref _added);
            Fd = (int)handle.DangerousGetHandle();
        }

        public int Fd { get; }

        public void Dispose()
        {
            if (_added)
            {
                _added = false;
                _handle.DangerousRelease();
            }
        }
    }

#pragma warning disable SYSLIB1054 // LibraryImport needs AllowUnsafeBlocks, which this project keeps off; these signatures are blittable.
    [DllImport("libc", SetLastError = true)]
    private static extern int fstatat(int directory, byte[] path, byte[] buffer, int flags);

    [DllImport("libc", SetLastError = true)]
    private static extern int chmod(byte[] path, uint mode);

    [DllImport("libc", SetLastError = true)]
    private static extern int utimensat(int directory, byte[] path, long[] times, int flags);

    [DllImport("libc", SetLastError = true)]
    private static extern int fchownat(int directory, byte[] path, uint uid, uint gid, int flags);

    [DllImport("libc", SetLastError = true)]
    private static extern int fchown(int fd, uint uid, uint gid);

    [DllImport("libc", SetLastError = true)]
    private static extern int symlinkat(byte[] target, int directory, byte[] path);

    [DllImport("libc", SetLastError = true)]
    private static extern nint readlinkat(int directory, byte[] path, byte[] buffer, nuint size);

    [DllImport("libc", SetLastError = true)]
    private static extern int linkat(int fromDirectory, byte[] from, int toDirectory, byte[] to, int flags);
#pragma warning restore SYSLIB1054
}
