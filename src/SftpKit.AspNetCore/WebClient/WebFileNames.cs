using SftpKit.FileSystem;

namespace SftpKit.AspNetCore.WebClient;

/// <summary>Checks of the paths and names account holders send: virtual, normalised, one segment for names.</summary>
internal static class WebFileNames
{
    /// <summary>The longest single name accepted, in characters (the usual file-system limit of 255 bytes).</summary>
    public const int MaxNameLength = 255;

    /// <summary>A directory or file path from a query or form: normalised and confined; <c>/</c> when missing.</summary>
    public static string Path(string? value)
    {
        try
        {
            return VirtualPath.Normalize(string.IsNullOrEmpty(value) ? VirtualPath.Root : value);
        }
        catch (VfsException)
        {
            throw new WebClientFailure("Invalid name or path.");
        }
    }

    /// <summary>One name inside a directory: no separators, no <c>.</c> or <c>..</c>, no control characters.</summary>
    public static string Name(string? value)
    {
        string name = value?.Trim() ?? "";
        if (name.Length is 0 or > MaxNameLength || name is "." or ".." || name.Contains('/') || name.Any(c => c < ' ' || c == '\u007f'))
        {
            throw new WebClientFailure("Invalid name or path.");
        }
        return name;
    }

    /// <summary>
    /// The name of an uploaded file from its part's header: browsers send the base name, some older ones the whole
    /// client path, of which only the last segment is kept.
    /// </summary>
    public static string UploadName(string fileName)
    {
        string name = fileName.Trim('"');
        int cut = Math.Max(name.LastIndexOf('/'), name.LastIndexOf('\\'));
        return Name(cut >= 0 ? name[(cut + 1)..] : name);
    }
}
