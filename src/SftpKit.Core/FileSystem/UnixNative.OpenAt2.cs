using System.Buffers;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace SftpKit.FileSystem;

/// <summary>
/// openat2(2) with <c>RESOLVE_NO_SYMLINKS</c> (Linux 5.6+): one system call that walks a whole path and fails with
/// ELOOP on any symbolic link in it, the final component included. A canonical absolute path inside the root that
/// opens this way is, at that instant, exactly the directory entry it names — no link redirected any step — so the
/// resolver can skip <c>realpath(3)</c> (one readlink per component, the root's own ancestors included) and the
/// <c>/proc/self/fd</c> re-check of handles it opens. Where openat2 is missing (old kernel, seccomp filter) the
/// first ENOSYS or EPERM turns it off for the process and callers take their full path.
/// </summary>
internal static partial class UnixNative
{
    private const long OpenAt2SyscallNumber = 437; // the same in the generic table used by x86_64 and arm64
    private const ulong ResolveNoMagicLinks = 0x02, ResolveNoSymlinks = 0x04;
    private const int ORdOnly = 0;

    private static volatile bool s_openAt2Works = HasDirectoryCalls;

    /// <summary>True while openat2 is believed to work here (Linux x86_64/arm64, not refused yet).</summary>
    public static bool HasOpenAt2 => s_openAt2Works;

    /// <summary>
    /// Whether <paramref name="path"/> (absolute) exists with no symbolic link anywhere in it: 0, or the errno
    /// (ELOOP for a link, ENOENT, ENOTDIR, EACCES, ...; ENOSYS when openat2 is unavailable).
    /// <paramref name="directory"/> also requires the final component to be a directory.
    /// </summary>
    public static int ProbeWithoutLinks(string path, bool directory)
    {
        int fd = OpenWithoutLinks(path, OPathLinux | OCloExec | (directory ? ODirectory : 0), out int errno);
        if (fd >= 0)
        {
            _ = close(fd); // an O_PATH descriptor: nothing to flush, nothing to report
        }
        return errno;
    }

    /// <summary>
    /// A directory handle (O_PATH, for <c>*at</c> calls) opened through a path with no symbolic link in it; null and
    /// the errno (ELOOP for a link somewhere; ENOSYS when openat2 is unavailable) when not.
    /// </summary>
    public static SafeFileHandle? OpenDirectoryWithoutLinks(string path, out int errno)
    {
        int fd = OpenWithoutLinks(path, OPathLinux | ODirectory | OCloExec, out errno);
        return fd < 0 ? null : new SafeFileHandle(fd, ownsHandle: true);
    }

    /// <summary>
    /// A read-only handle of <paramref name="path"/> opened with no symbolic link in the path; null and the errno
    /// when not. No advisory lock is taken (<see cref="File.OpenHandle"/> takes a shared flock on Unix that only other
    /// .NET processes honour, and every open in this library shares anyway).
    /// </summary>
    public static SafeFileHandle? OpenReadWithoutLinks(string path, out int errno)
    {
        int fd = OpenWithoutLinks(path, ORdOnly | OCloExec, out errno);
        return fd < 0 ? null : new SafeFileHandle(fd, ownsHandle: true);
    }

    private static int OpenWithoutLinks(string path, int flags, out int errno)
    {
        if (!s_openAt2Works)
        {
            errno = UnixErrno.ENOSYS;
            return -1;
        }
        byte[] cPath = RentCString(path);
        try
        {
            var how = new OpenHow { Flags = (ulong)flags, Mode = 0, Resolve = ResolveNoSymlinks | ResolveNoMagicLinks };
            long fd = syscall(OpenAt2SyscallNumber, AtFdCwd, cPath, ref how, (nuint)Marshal.SizeOf<OpenHow>());
            if (fd >= 0)
            {
                errno = 0;
                return (int)fd;
            }
            errno = Marshal.GetLastPInvokeError();
            if (errno == UnixErrno.ENOSYS || errno == UnixErrno.EPERM || errno == E2Big)
            {
                s_openAt2Works = false; // kernel before 5.6 or a seccomp filter: the full path from now on
                errno = UnixErrno.ENOSYS;
            }
            return -1;
        }
        catch (EntryPointNotFoundException)
        {
            s_openAt2Works = false;
            errno = UnixErrno.ENOSYS;
            return -1;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(cPath);
        }
    }

    private const int E2Big = 7;

    [StructLayout(LayoutKind.Sequential)]
    private struct OpenHow
    {
        public ulong Flags;
        public ulong Mode;
        public ulong Resolve;
    }

#pragma warning disable SYSLIB1054 // LibraryImport needs AllowUnsafeBlocks, which this project keeps off; these signatures are blittable.
    [DllImport("libc", SetLastError = true)]
    private static extern long syscall(long number, int directory, byte[] path, ref OpenHow how, nuint size);

    [DllImport("libc", SetLastError = true)]
    private static extern int close(int fd);
#pragma warning restore SYSLIB1054
}
