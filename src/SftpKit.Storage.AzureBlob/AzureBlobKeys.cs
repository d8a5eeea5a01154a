namespace SftpKit.Storage.AzureBlob;

/// <summary>
/// Maps virtual paths (absolute, normalised: <c>/a/b</c>) to blob names under the key prefix. A directory is the
/// prefix <c>a/b/</c>; an empty one is kept by a zero-length marker blob with that key.
/// </summary>
internal sealed class AzureBlobKeys
{
    public AzureBlobKeys(string? keyPrefix, string? root)
    {
        string prefix = Join(keyPrefix, root);
        Prefix = prefix.Length == 0 ? "" : prefix + "/";
    }

    /// <summary>The key prefix everything lives under: empty or ending in <c>/</c>.</summary>
    public string Prefix { get; }

    public static bool IsRoot(string path) => path.Length <= 1;

    /// <summary>The object key of a file.</summary>
    public string File(string path) => Prefix + path.TrimStart('/');

    /// <summary>The prefix of a directory's entries (and the key of its marker): ends in <c>/</c>, or is <see cref="Prefix"/> for the root.</summary>
    public string Directory(string path) => IsRoot(path) ? Prefix : Prefix + path.Trim('/') + "/";

    /// <summary>The virtual path of a key under <see cref="Prefix"/> (a trailing <c>/</c> dropped).</summary>
    public string PathOf(string key) => "/" + key[Prefix.Length..].TrimEnd('/');

    public static string Parent(string path)
    {
        int slash = path.LastIndexOf('/');
        return slash <= 0 ? "/" : path[..slash];
    }

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
                    throw new ArgumentException("An Azure Blob key prefix must not contain '.' or '..' segments.", nameof(a));
                }
                parts.Add(segment);
            }
        }
        return string.Join('/', parts);
    }
}
