using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Win32.SafeHandles;

namespace SftpKit.FileSystem;

/// <summary>Metadata from lstat/fstat.</summary>
internal readonly record struct UnixStat(uint Mode, uint Uid, uint Gid, ulong LinkCount, long Size, DateTimeOffset AccessTime, DateTimeOffset WriteTime)
{
    public const uint TypeMask = 0xF000;
    public const uint RegularFile = 0x8000;
    public const uint Directory = 0x4000;
    public const uint SymbolicLink = 0xA000;

    public VfsFileType Type => (Mode & TypeMask) switch
    {
        RegularFile => VfsFileType.File,
        Directory => VfsFileType.Directory,
        SymbolicLink => VfsFileType.SymbolicLink,
        _ => VfsFileType.Other,
    };
}

/// <summary>
/// The few libc calls .NET has no API for (realpath, lstat, link, rename without replace, lchown, statvfs, mkdir with
/// exact errno). Blittable signatures only, so no unsafe code or marshalling stubs are needed. Struct layouts are
/// decoded by hand for Linux x86_64 and arm64; elsewhere callers fall back to managed APIs.
/// </summary>
internal static partial class UnixNative
{
    private const int PathMax = 4096;
    private const int StatBufferSize = 256; // struct stat is 144 (x86_64) / 128 (arm64) bytes
    private const int AtFdCwd = -100;
    private const uint RenameNoReplace = 1;

    /// <summary>True where the stat/statvfs layouts below are known to be right.</summary>
    public static bool HasKnownLayout { get; } =
        OperatingSystem.IsLinux() && RuntimeInformation.ProcessArchitecture is Architecture.X64 or Architecture.Arm64;

    public static bool IsRoot { get; } = !OperatingSystem.IsWindows() && SafeGetEuid() == 0;

    /// <summary>The canonical path (every link resolved), or the errno why not.</summary>
    /// <remarks>Runs several times per file operation, so both buffers come from the pool (a new PATH_MAX buffer per
    /// call was most of the bytes an SFTP upload OPEN allocated).</remarks>
    public static string? RealPath(string path, out int errno)
    {
        byte[] cPath = RentCString(path);
        byte[] resolved = ArrayPool<byte>.Shared.Rent(PathMax + 1);
        try
        {
            nint result = realpath(cPath, resolved);
            if (result == 0)
            {
                errno = Marshal.GetLastPInvokeError();
                return null;
            }
            errno = 0;
            int length = Array.IndexOf(resolved, (byte)0, 0, PathMax + 1);
            return Encoding.UTF8.GetString(resolved, 0, length < 0 ? PathMax + 1 : length);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(resolved);
            ArrayPool<byte>.Shared.Return(cPath);
        }
    }

    /// <summary>lstat (never follows the final link); null with errno on failure or unknown layout (errno 0).</summary>
    public static UnixStat? LStat(string path, out int errno)
    {
        errno = 0;
        if (!HasKnownLayout)
        {
            return null;
        }
        byte[] cPath = RentCString(path);
        byte[] buffer = ArrayPool<byte>.Shared.Rent(StatBufferSize);
        try
        {
            if (lstat(cPath, buffer) != 0)
            {
                errno = Marshal.GetLastPInvokeError();
                return null;
            }
            return Decode(buffer);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
            ArrayPool<byte>.Shared.Return(cPath);
        }
    }

    /// <summary>fstat of an open descriptor; null on failure or unknown layout.</summary>
    public static UnixStat? FStat(int fd)
    {
        if (!HasKnownLayout)
        {
            return null;
        }
        byte[] buffer = ArrayPool<byte>.Shared.Rent(StatBufferSize);
        try
        {
            return fstat(fd, buffer) == 0 ? Decode(buffer) : null;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static UnixStat Decode(byte[] b)
    {
        var s = b.AsSpan();
        uint mode, uid, gid;
        ulong nlink;
        if (RuntimeInformation.ProcessArchitecture == Architecture.X64)
        {
            nlink = BinaryPrimitives.ReadUInt64LittleEndian(s[16..]);
            mode = BinaryPrimitives.ReadUInt32LittleEndian(s[24..]);
            uid = BinaryPrimitives.ReadUInt32LittleEndian(s[28..]);
            gid = BinaryPrimitives.ReadUInt32LittleEndian(s[32..]);
        }
        else
        {
            mode = BinaryPrimitives.ReadUInt32LittleEndian(s[16..]);
            nlink = BinaryPrimitives.ReadUInt32LittleEndian(s[20..]);
            uid = BinaryPrimitives.ReadUInt32LittleEndian(s[24..]);
            gid = BinaryPrimitives.ReadUInt32LittleEndian(s[28..]);
        }
        // size, atime and mtime sit at the same offsets in both layouts.
        long size = BinaryPrimitives.ReadInt64LittleEndian(s[48..]);
        return new UnixStat(mode, uid, gid, nlink, size, Time(s[72..]), Time(s[88..]));
    }

    private static DateTimeOffset Time(ReadOnlySpan<byte> timespec)
    {
        long seconds = BinaryPrimitives.ReadInt64LittleEndian(timespec);
        long nanos = BinaryPrimitives.ReadInt64LittleEndian(timespec[8..]);
        return DateTimeOffset.UnixEpoch.AddTicks(seconds * TimeSpan.TicksPerSecond + nanos / 100);
    }

    /// <summary>statvfs figures, or null where unavailable.</summary>
    public static VfsSpaceInfo? StatVfs(string path)
    {
        if (!HasKnownLayout)
        {
            return null;
        }
        var b = new byte[128];
        if (statvfs(ToCString(path), b) != 0)
        {
            return null;
        }
        long At(int index) => (long)Math.Min(long.MaxValue, BinaryPrimitives.ReadUInt64LittleEndian(b.AsSpan(index * 8)));
        long frsize = At(1) == 0 ? At(0) : At(1);
        return new VfsSpaceInfo(frsize, At(2), At(3), At(4), At(5), At(6), At(10));
    }

    /// <summary>mkdir(2) with exact errno; 0 on success.</summary>
    public static int MakeDirectory(string path, uint mode) => mkdir(ToCString(path), mode) == 0 ? 0 : Marshal.GetLastPInvokeError();

    /// <summary>link(2): never follows a symlink given as <paramref name="existing"/> on Linux; 0 on success.</summary>
    public static int Link(string existing, string newPath)
        => link(ToCString(existing), ToCString(newPath)) == 0 ? 0 : Marshal.GetLastPInvokeError();

    /// <summary>rename(2), replacing the target atomically; 0 on success.</summary>
    public static int Rename(string from, string to) => rename(ToCString(from), ToCString(to)) == 0 ? 0 : Marshal.GetLastPInvokeError();

    /// <summary>renameat2(RENAME_NOREPLACE); 0 on success, errno, or -1 when the call or flag is unsupported.</summary>
    public static int RenameNoReplaceOrUnsupported(string from, string to)
    {
        if (!OperatingSystem.IsLinux())
        {
            return -1;
        }
        try
        {
            if (renameat2(AtFdCwd, ToCString(from), AtFdCwd, ToCString(to), RenameNoReplace) == 0)
            {
                return 0;
            }
            int errno = Marshal.GetLastPInvokeError();
            return errno == UnixErrno.EINVAL || errno == UnixErrno.ENOSYS ? -1 : errno;
        }
        catch (EntryPointNotFoundException)
        {
            return -1;
        }
    }

    /// <summary>True where <see cref="OpenDirectory"/> and the <c>*at</c> calls (<see cref="CreateFileAt"/>, <c>RenameAt</c>,
    /// <see cref="UnlinkAt"/>, <see cref="StatAt"/>, <see cref="ChangeModeAt"/> and the others) work (Linux x86_64/arm64).</summary>
    public static bool HasDirectoryCalls => HasKnownLayout;

    // open(2) flags that differ between the two Linux ABIs we know.
    private const int ORdWr = 0x2, OCreat = 0x40, OExcl = 0x80, OCloExec = 0x80000;
    private const int AtSymlinkNoFollow = 0x100, AtRemoveDir = 0x200;
    private static int ODirectory => RuntimeInformation.ProcessArchitecture == Architecture.Arm64 ? 0x4000 : 0x10000;
    private static int ONoFollow => RuntimeInformation.ProcessArchitecture == Architecture.Arm64 ? 0x8000 : 0x20000;

    /// <summary>
    /// Opens a directory (following links) as a handle that pins it, for use as the base of <c>*at</c> calls; O_PATH on
    /// Linux, so search permission is enough, as for a path. The errno when not.
    /// </summary>
    public static SafeFileHandle? OpenDirectory(string path, out int errno)
    {
        int fd = open(ToCString(path), ODirectory | OPath | OCloExec, 0);
        errno = fd < 0 ? Marshal.GetLastPInvokeError() : 0;
        return fd < 0 ? null : new SafeFileHandle(fd, ownsHandle: true);
    }

    /// <summary>
    /// Creates <paramref name="name"/> (one path component) inside the directory <paramref name="directory"/> with
    /// O_CREAT|O_EXCL|O_NOFOLLOW, read-write; the errno when not. The file lands in that directory whatever happens to
    /// the paths leading to it meanwhile.
    /// </summary>
    public static SafeFileHandle? CreateFileAt(SafeFileHandle directory, string name, uint mode, out int errno)
    {
        bool added = false;
        try
        {
            directory.DangerousAddRef(ref added);
            int fd = openat((int)directory.DangerousGetHandle(), ToCString(name), ORdWr | OCreat | OExcl | ONoFollow | OCloExec, mode);
            errno = fd < 0 ? Marshal.GetLastPInvokeError() : 0;
            return fd < 0 ? null : new SafeFileHandle(fd, ownsHandle: true);
        }
        finally
        {
            if (added)
            {
                directory.DangerousRelease();
            }
        }
    }

    /// <summary>renameat2 of two names inside one directory handle (RENAME_NOREPLACE unless <paramref name="overwrite"/>); 0 or errno.</summary>
    public static int RenameAt(SafeFileHandle directory, string from, string to, bool overwrite) => RenameAt(directory, from, directory, to, overwrite);

    /// <summary>renameat2 between two directory handles (RENAME_NOREPLACE unless <paramref name="overwrite"/>); 0 or errno.</summary>
    public static int RenameAt(SafeFileHandle fromDirectory, string from, SafeFileHandle toDirectory, string to, bool overwrite)
    {
        bool addedFrom = false, addedTo = false;
        try
        {
            fromDirectory.DangerousAddRef(ref addedFrom);
            toDirectory.DangerousAddRef(ref addedTo);
            return renameat2((int)fromDirectory.DangerousGetHandle(), ToCString(from), (int)toDirectory.DangerousGetHandle(), ToCString(to),
                overwrite ? 0 : RenameNoReplace) == 0 ? 0 : Marshal.GetLastPInvokeError();
        }
        finally
        {
            if (addedTo)
            {
                toDirectory.DangerousRelease();
            }
            if (addedFrom)
            {
                fromDirectory.DangerousRelease();
            }
        }
    }

    /// <summary>mkdirat then fchmodat(AT_SYMLINK_NOFOLLOW) to the exact <paramref name="mode"/>, inside a directory handle; 0 or errno.</summary>
    public static int MakeDirectoryAt(SafeFileHandle directory, string name, uint mode)
    {
        bool added = false;
        try
        {
            directory.DangerousAddRef(ref added);
            int fd = (int)directory.DangerousGetHandle();
            byte[] cName = ToCString(name);
            if (mkdirat(fd, cName, mode) != 0)
            {
                return Marshal.GetLastPInvokeError();
            }
            _ = fchmodat(fd, cName, mode, AtSymlinkNoFollow); // mkdirat applied the process umask, not ours
            return 0;
        }
        finally
        {
            if (added)
            {
                directory.DangerousRelease();
            }
        }
    }

    /// <summary>unlinkat of a name inside a directory handle (AT_REMOVEDIR when <paramref name="directoryEntry"/>); 0 or errno.</summary>
    public static int UnlinkAt(SafeFileHandle directory, string name, bool directoryEntry = false)
    {
        bool added = false;
        try
        {
            directory.DangerousAddRef(ref added);
            return unlinkat((int)directory.DangerousGetHandle(), ToCString(name), directoryEntry ? AtRemoveDir : 0) == 0 ? 0 : Marshal.GetLastPInvokeError();
        }
        finally
        {
            if (added)
            {
                directory.DangerousRelease();
            }
        }
    }

    /// <summary>lchown(2) (a link itself, never its target); 0 on success.</summary>
    public static int LChown(string path, uint uid, uint gid)
        => lchown(ToCString(path), uid, gid) == 0 ? 0 : Marshal.GetLastPInvokeError();

    /// <summary>chown(2), following links; 0 on success.</summary>
    public static int Chown(string path, uint uid, uint gid)
        => chown(ToCString(path), uid, gid) == 0 ? 0 : Marshal.GetLastPInvokeError();

    /// <summary>chmod; LocalFileSystem refuses to run on Windows, so the guard only satisfies the analyzer.</summary>
    public static void SetMode(string path, uint mode)
    {
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, (UnixFileMode)(mode & 0xFFF));
        }
    }

    /// <summary>fchmod.</summary>
    public static void SetMode(Microsoft.Win32.SafeHandles.SafeFileHandle handle, uint mode)
    {
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(handle, (UnixFileMode)(mode & 0xFFF));
        }
    }

    /// <summary>The permission bits of an open file (0 on Windows).</summary>
    public static uint GetMode(Microsoft.Win32.SafeHandles.SafeFileHandle handle)
        => OperatingSystem.IsWindows() ? 0 : (uint)File.GetUnixFileMode(handle) & 0xFFF;

    private static uint SafeGetEuid()
    {
        try
        {
            return geteuid();
        }
        catch (EntryPointNotFoundException)
        {
            return uint.MaxValue;
        }
        catch (DllNotFoundException)
        {
            return uint.MaxValue;
        }
    }

    /// <summary>
    /// copy_file_range(2) (Linux 4.5+) at explicit offsets, file positions untouched: the bytes copied (0 at the
    /// source's end), or minus the errno; minus ENOSYS where the call does not exist.
    /// </summary>
    public static long CopyFileRange(SafeFileHandle source, long sourceOffset, SafeFileHandle target, long targetOffset, long count)
    {
        if (!OperatingSystem.IsLinux())
        {
            return -UnixErrno.ENOSYS;
        }
        bool sourceAdded = false;
        bool targetAdded = false;
        try
        {
            source.DangerousAddRef(ref sourceAdded);
            target.DangerousAddRef(ref targetAdded);
            long inOffset = sourceOffset;
            long outOffset = targetOffset;
            nint copied = copy_file_range((int)source.DangerousGetHandle(), ref inOffset, (int)target.DangerousGetHandle(), ref outOffset, (nuint)count, 0);
            return copied >= 0 ? copied : -Marshal.GetLastPInvokeError();
        }
        catch (EntryPointNotFoundException)
        {
            return -UnixErrno.ENOSYS;
        }
        finally
        {
            if (sourceAdded)
            {
                source.DangerousRelease();
            }
            if (targetAdded)
            {
                target.DangerousRelease();
            }
        }
    }

    /// <summary>A NUL-terminated UTF-8 copy of <paramref name="path"/> in a pooled buffer the caller returns.</summary>
    private static byte[] RentCString(string path)
    {
        byte[] bytes = ArrayPool<byte>.Shared.Rent(Encoding.UTF8.GetMaxByteCount(path.Length) + 1);
        int length = Encoding.UTF8.GetBytes(path, bytes);
        bytes[length] = 0;
        return bytes;
    }

    private static byte[] ToCString(string path)
    {
        var bytes = new byte[Encoding.UTF8.GetByteCount(path) + 1];
        Encoding.UTF8.GetBytes(path, bytes);
        return bytes;
    }

#pragma warning disable SYSLIB1054 // LibraryImport needs AllowUnsafeBlocks, which this project keeps off; these signatures are blittable.
    [DllImport("libc", SetLastError = true)]
    private static extern nint realpath(byte[] path, byte[] resolved);

    [DllImport("libc", SetLastError = true)]
    private static extern int lstat(byte[] path, byte[] buffer);

    [DllImport("libc", SetLastError = true)]
    private static extern int fstat(int fd, byte[] buffer);

    [DllImport("libc", SetLastError = true)]
    private static extern int statvfs(byte[] path, byte[] buffer);

    [DllImport("libc", SetLastError = true)]
    private static extern int mkdir(byte[] path, uint mode);

    [DllImport("libc", SetLastError = true)]
    private static extern int link(byte[] existing, byte[] newPath);

    [DllImport("libc", SetLastError = true)]
    private static extern int rename(byte[] from, byte[] to);

    [DllImport("libc", SetLastError = true)]
    private static extern int renameat2(int fromDir, byte[] from, int toDir, byte[] to, uint flags);

    [DllImport("libc", SetLastError = true)]
    private static extern int open(byte[] path, int flags, uint mode);

    [DllImport("libc", SetLastError = true)]
    private static extern int openat(int directory, byte[] path, int flags, uint mode);

    [DllImport("libc", SetLastError = true)]
    private static extern int mkdirat(int directory, byte[] path, uint mode);

    [DllImport("libc", SetLastError = true)]
    private static extern int fchmodat(int directory, byte[] path, uint mode, int flags);

    [DllImport("libc", SetLastError = true)]
    private static extern int unlinkat(int directory, byte[] path, int flags);

    [DllImport("libc", SetLastError = true)]
    private static extern int lchown(byte[] path, uint uid, uint gid);

    [DllImport("libc", SetLastError = true)]
    private static extern int chown(byte[] path, uint uid, uint gid);

    [DllImport("libc")]
    private static extern uint geteuid();

    [DllImport("libc", SetLastError = true)]
    private static extern nint copy_file_range(int fdIn, ref long offIn, int fdOut, ref long offOut, nuint length, uint flags);
#pragma warning restore SYSLIB1054
}
