namespace SftpKit.FileSystem.Objects;

/// <summary>
/// For object-storage backends (S3, Azure Blob and the like): maps virtual paths (absolute, normalised: <c>/a/b</c>)
/// to object keys under a key prefix. A directory is the prefix <c>a/b/</c>; an empty one is kept by a zero-length
/// marker object with that key. The prefix is the configured key prefix joined with the account's root; neither may
/// contain <c>.</c> or <c>..</c> segments (refused with <see cref="ArgumentException"/>), empty segments are dropped.
/// </summary>
public sealed class ObjectKeyMap
{
    /// <summary>Joins <paramref name="keyPrefix"/> and <paramref name="root"/> into <see cref="Prefix"/>.</summary>
    /// <param name="keyPrefix">The storage's key prefix, or null.</param>
    /// <param name="root">The account's root under it, or null.</param>
    public ObjectKeyMap(string? keyPrefix, string? root)
    {
        string prefix = Join(keyPrefix, root);
        Prefix = prefix.Length == 0 ? "" : prefix + "/";
    }

    /// <summary>The key prefix everything lives under: empty or ending in <c>/</c>.</summary>
    public string Prefix { get; }

    /// <summary>Whether <paramref name="path"/> is the root (<c>/</c> or empty).</summary>
    public static bool IsRoot(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        return path.Length <= 1;
    }

    /// <summary>The object key of a file.</summary>
    public string File(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        return Prefix + path.TrimStart('/');
    }

    /// <summary>The prefix of a directory's entries (and the key of its marker): ends in <c>/</c>, or is <see cref="Prefix"/> for the root.</summary>
    public string Directory(string path) => IsRoot(path) ? Prefix : Prefix + path.Trim('/') + "/";

    /// <summary>The virtual path of a key under <see cref="Prefix"/> (a trailing <c>/</c> dropped).</summary>
    public string PathOf(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return "/" + key[Prefix.Length..].TrimEnd('/');
    }

    /// <summary>The parent of a normalised virtual path (<c>/</c> for a top-level entry).</summary>
    public static string Parent(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        int slash = path.LastIndexOf('/');
        return slash <= 0 ? "/" : path[..slash];
    }

    /// <summary>The last segment of a normalised virtual path (<c>/</c> for the root).</summary>
    public static string Name(string path) => IsRoot(path) ? "/" : path[(path.LastIndexOf('/') + 1)..];

    private static string Join(string? a, string? b)
    {
        var parts = new List<string>();
        foreach (var piece in new[] { a, b })
        {
            if (string.IsNullOrWhiteSpace(piece))
            {
                continue;
            }
            foreach (var segment in piece.Split('/', StringSplitOptions.RemoveEmptyEntries))
            {
                if (segment is "." or "..")
                {
                    throw new ArgumentException("A key prefix must not contain '.' or '..' segments.", nameof(a));
                }
                parts.Add(segment);
            }
        }
        return string.Join('/', parts);
    }
}
