using Microsoft.Win32.SafeHandles;

namespace SftpKit.FileSystem;

/// <summary>
/// Maps virtual paths under a real root and keeps them there. Every existing component is resolved with
/// <c>realpath(3)</c> and the result must be the root or lie beneath it; a dangling final link is followed by hand,
/// hop by hop (at most 40). Opened handles are checked again through <c>/proc/self/fd</c> on Linux, which closes the
/// check-then-open race for file content; the other operations act through directory handles checked here
/// (<see cref="VerifyHandle"/>). What still acts by path after the check, and on which platforms, is documented on
/// <see cref="LocalFileSystem"/>.
/// <para>
/// Fast path (Linux with openat2): the root is canonical, and a normalised virtual path has no <c>.</c> or <c>..</c>,
/// so when root + path walks with no symbolic link at all (<c>RESOLVE_NO_SYMLINKS</c>, one system call) it is its
/// own real path, inside the root by construction. Any link, missing parent or other error takes the full walk
/// above, which gives the exact same answers and errors as before.
/// </para>
/// </summary>
internal sealed class LocalPathResolver
{
    private const int MaxHops = 40;

    private readonly string _rootPrefix;

    public LocalPathResolver(string rootPath)
    {
        Directory.CreateDirectory(rootPath);
        Root = UnixNative.RealPath(Path.GetFullPath(rootPath), out int errno) ?? throw LocalErrorMapper.FromErrno(errno);
        Root = Root.Length > 1 ? Root.TrimEnd('/') : Root;
        _rootPrefix = Root == "/" ? "/" : Root + "/";
    }

    /// <summary>The canonical real path of the root (no links, no trailing slash).</summary>
    public string Root { get; }

    public bool IsInside(string realPath) => realPath == Root || realPath.StartsWith(_rootPrefix, StringComparison.Ordinal);

    /// <summary>The virtual form of a real path inside the root.</summary>
    public string ToVirtual(string realPath) => realPath == Root ? VirtualPath.Root : "/" + realPath[_rootPrefix.Length..];

    /// <summary>
    /// The real path to operate on for <paramref name="virtualPath"/>. Every directory component is resolved and
    /// confined; the final one is resolved too when <paramref name="followFinal"/>, otherwise it is returned as a name
    /// inside its (confined) real parent and may be a link, a missing name or anything else.
    /// </summary>
    /// <exception cref="VfsException">NotFound / NotADirectory for a missing or non-directory parent,
    /// PermissionDenied when the real path leaves the root, Failure for too many links.</exception>
    public string Resolve(string virtualPath, bool followFinal)
    {
        string normalized = VirtualPath.Normalize(virtualPath);
        if (normalized == VirtualPath.Root)
        {
            return Root;
        }
        string candidate = Root == "/" ? normalized : Root + normalized;
        return TryResolveWithoutLinks(candidate, followFinal) ?? ResolveReal(candidate, followFinal, 0);
    }

    /// <summary>Root + the normalised <paramref name="virtualPath"/>, links not resolved: the real path only once a
    /// link-free walk (<see cref="TryOpenReadWithoutLinks"/> and the like) has shown it is one.</summary>
    public string ToReal(string virtualPath)
    {
        string normalized = VirtualPath.Normalize(virtualPath);
        return normalized == VirtualPath.Root ? Root : Root == "/" ? normalized : Root + normalized;
    }

    /// <summary>
    /// <paramref name="candidate"/> itself when no link lies on its way (the final name may be missing, or, without
    /// <paramref name="followFinal"/>, anything but a link is fine too); null to take the full walk.
    /// </summary>
    private static string? TryResolveWithoutLinks(string candidate, bool followFinal)
    {
        if (!UnixNative.HasOpenAt2)
        {
            return null;
        }
        if (followFinal)
        {
            int errno = UnixNative.ProbeWithoutLinks(candidate, directory: false);
            if (errno == 0)
            {
                return candidate;
            }
            if (errno != UnixErrno.ENOENT)
            {
                return null; // a link (ELOOP), a file used as a directory, no permission: the full walk decides
            }
            // ENOENT: the final name is missing (a dangling final link would have been ELOOP) or a parent is.
        }
        int slash = candidate.LastIndexOf('/');
        string parent = slash == 0 ? "/" : candidate[..slash];
        // A link-free directory: with followFinal the name is missing in it; without, the name may be anything (a
        // link included), as the full walk would return it.
        return UnixNative.ProbeWithoutLinks(parent, directory: true) == 0 ? candidate : null;
    }

    /// <summary>
    /// A handle of the directory <paramref name="realDirectory"/> (a path this resolver returned) opened with no
    /// symbolic link on its way, so inside the root without the <c>/proc/self/fd</c> re-check; null when that cannot
    /// be shown this way (a link on the way, an odd name, no openat2) and the caller should take its full path.
    /// </summary>
    public SafeFileHandle? TryOpenDirectoryWithoutLinks(string realDirectory)
    {
        if (!UnixNative.HasOpenAt2 || !IsInside(realDirectory) || HasDotSegment(realDirectory))
        {
            return null;
        }
        return UnixNative.OpenDirectoryWithoutLinks(realDirectory, out _);
    }

    /// <summary>As <see cref="TryOpenDirectoryWithoutLinks"/>, a read-only handle of a file; null also for a directory.</summary>
    public SafeFileHandle? TryOpenReadWithoutLinks(string realPath)
    {
        if (!UnixNative.HasOpenAt2 || !IsInside(realPath) || HasDotSegment(realPath))
        {
            return null;
        }
        return UnixNative.OpenReadWithoutLinks(realPath, out _);
    }

    /// <summary>True when a component is <c>.</c> or <c>..</c>, which openat2 would walk (never true for paths built
    /// here; checked so that a handle opened without the /proc re-check can only be inside the root).</summary>
    private static bool HasDotSegment(string path)
        => path.Contains("/./", StringComparison.Ordinal) || path.Contains("/../", StringComparison.Ordinal)
            || path.EndsWith("/.", StringComparison.Ordinal) || path.EndsWith("/..", StringComparison.Ordinal)
            || path.Contains("//", StringComparison.Ordinal);

    /// <summary>The confined real parent directory and the final name of <paramref name="virtualPath"/>.</summary>
    public (string Parent, string Name) ResolveParent(string virtualPath)
    {
        string real = Resolve(virtualPath, followFinal: false);
        if (real == Root)
        {
            throw new VfsException(VfsError.PermissionDenied, "Permission denied.");
        }
        return Split(real);
    }

    /// <summary>The parent directory and final name of an absolute real path.</summary>
    public static (string Parent, string Name) Split(string realPath)
    {
        int slash = realPath.LastIndexOf('/');
        return (slash <= 0 ? "/" : realPath[..slash], realPath[(slash + 1)..]);
    }

    private string ResolveReal(string candidate, bool followFinal, int hops)
    {
        if (followFinal)
        {
            string? real = UnixNative.RealPath(candidate, out int errno);
            if (real is not null)
            {
                return Confine(real);
            }
            if (errno != UnixErrno.ENOENT)
            {
                throw errno == UnixErrno.ELOOP
                    ? new VfsException(VfsError.Failure, "Too many levels of symbolic links.")
                    : LocalErrorMapper.FromErrno(errno);
            }
        }
        int slash = candidate.LastIndexOf('/');
        string parent = slash == 0 ? "/" : candidate[..slash];
        string name = candidate[(slash + 1)..];
        string? realParent = UnixNative.RealPath(parent, out int parentErrno);
        if (realParent is null)
        {
            throw parentErrno == UnixErrno.ELOOP
                ? new VfsException(VfsError.Failure, "Too many levels of symbolic links.")
                : LocalErrorMapper.FromErrno(parentErrno);
        }
        Confine(realParent);
        if (Directory.Exists(realParent) is false)
        {
            throw new VfsException(VfsError.NotADirectory, "Not a directory.");
        }
        if (name is "" or "." or "..")
        {
            // Only reachable through a link target; the virtual paths we are given never contain these.
            return ResolveReal(realParent + "/" + name, followFinal: true, hops);
        }
        string result = realParent == "/" ? "/" + name : realParent + "/" + name;
        if (!followFinal)
        {
            return result;
        }
        // realpath failed with ENOENT although the parent exists: the final name is missing or a dangling link.
        string? target = new FileInfo(result).LinkTarget;
        if (target is null)
        {
            return result;
        }
        if (++hops > MaxHops)
        {
            throw new VfsException(VfsError.Failure, "Too many levels of symbolic links.");
        }
        string next = target.StartsWith('/') ? target : realParent + "/" + target;
        return ResolveReal(next.TrimEnd('/') is { Length: > 0 } trimmed ? trimmed : "/", followFinal: true, hops);
    }

    private string Confine(string realPath)
    {
        if (!IsInside(realPath))
        {
            throw new VfsException(VfsError.PermissionDenied, "Permission denied.");
        }
        return realPath;
    }

    /// <summary>
    /// Re-checks an opened handle's real path on Linux through <c>/proc/self/fd</c>, closing the race between
    /// resolving a path and opening it. Elsewhere a no-op.
    /// </summary>
    public void VerifyHandle(SafeFileHandle handle)
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }
        bool added = false;
        try
        {
            handle.DangerousAddRef(ref added);
            string? target = new FileInfo($"/proc/self/fd/{handle.DangerousGetHandle()}").LinkTarget;
            if (target is null)
            {
                return; // no /proc mounted: nothing more we can check cheaply
            }
            const string Deleted = " (deleted)";
            if (target.EndsWith(Deleted, StringComparison.Ordinal))
            {
                target = target[..^Deleted.Length];
            }
            if (!IsInside(target))
            {
                throw new VfsException(VfsError.PermissionDenied, "Permission denied.");
            }
        }
        finally
        {
            if (added)
            {
                handle.DangerousRelease();
            }
        }
    }
}
