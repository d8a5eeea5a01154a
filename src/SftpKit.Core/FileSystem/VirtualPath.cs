namespace SftpKit.FileSystem;

/// <summary>
/// The chroot path rule shared by every protocol: a client path (absolute, or relative to the account's current
/// directory) becomes a normalised virtual absolute path. <c>.</c> and empty segments vanish, <c>..</c> climbs but
/// stops at <c>/</c> (as inside an OpenSSH chroot), backslashes are ordinary characters, and NUL or control
/// characters are rejected. File systems only ever see the result.
/// </summary>
public static class VirtualPath
{
    /// <summary>The root of every account.</summary>
    public const string Root = "/";

    /// <summary>Longest client path accepted, in characters. Defaults to 4096 (Linux PATH_MAX).</summary>
    public const int MaxLength = 4096;

    /// <summary>Resolves <paramref name="path"/> against <paramref name="current"/> (a normalised virtual path).</summary>
    /// <exception cref="VfsException">With <see cref="VfsError.InvalidPath"/> for control characters or overlong input.</exception>
    public static string Normalize(string path, string current = Root)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(current);
        if (path.Length > MaxLength)
        {
            throw new VfsException(VfsError.InvalidPath, "Path too long.");
        }
        foreach (char c in path)
        {
            if (c < ' ' || c == '\u007f')
            {
                throw new VfsException(VfsError.InvalidPath, "Path contains control characters.");
            }
        }
        if (IsNormalized(path))
        {
            return path; // the common case (every layer normalises the same path again): no split, no join
        }
        var segments = new List<string>();
        if (!path.StartsWith('/'))
        {
            AddSegments(segments, current);
        }
        AddSegments(segments, path);
        return segments.Count == 0 ? Root : "/" + string.Join('/', segments);
    }

    /// <summary>True when <paramref name="path"/> is already in normal form: absolute, no empty, <c>.</c> or
    /// <c>..</c> segment, no trailing slash (the root excepted).</summary>
    private static bool IsNormalized(string path)
    {
        if (path.Length == 0 || path[0] != '/')
        {
            return false;
        }
        if (path.Length == 1)
        {
            return true;
        }
        int start = 1;
        while (start <= path.Length)
        {
            int end = path.IndexOf('/', start);
            if (end < 0)
            {
                end = path.Length;
            }
            var segment = path.AsSpan(start, end - start);
            if (segment.Length == 0 || segment is "." or "..")
            {
                return false;
            }
            start = end + 1;
        }
        return true;
    }

    private static void AddSegments(List<string> segments, string path)
    {
        foreach (var segment in path.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            if (segment == ".")
            {
                continue;
            }
            if (segment == "..")
            {
                if (segments.Count > 0)
                {
                    segments.RemoveAt(segments.Count - 1);
                }
                continue;
            }
            segments.Add(segment);
        }
    }

    /// <summary>Joins a normalised directory and a single name.</summary>
    public static string Combine(string directory, string name)
        => directory == Root ? "/" + name : directory + "/" + name;

    /// <summary>Parent of a normalised path (<c>/</c> for top-level entries and the root itself).</summary>
    public static string GetParent(string path)
    {
        int slash = path.LastIndexOf('/');
        return slash <= 0 ? Root : path[..slash];
    }

    /// <summary>Last segment of a normalised path (<c>/</c> for the root).</summary>
    public static string GetName(string path) => path == Root ? Root : path[(path.LastIndexOf('/') + 1)..];

    /// <summary>True when <paramref name="path"/> is <paramref name="ancestor"/> or lies beneath it.</summary>
    public static bool IsWithin(string path, string ancestor)
        => ancestor == Root || path == ancestor || path.StartsWith(ancestor + "/", StringComparison.Ordinal);
}
