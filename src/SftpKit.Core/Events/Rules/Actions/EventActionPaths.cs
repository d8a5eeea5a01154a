using SftpKit.FileSystem;

namespace SftpKit.Events.Rules.Actions;

/// <summary>
/// Turns an action's path templates into virtual paths of the account: placeholders are filled, the result is read
/// relative to the account's root, and a path with a <c>..</c> segment, a control character, or more than
/// <see cref="VirtualPath.MaxLength"/> characters is refused, so no action reaches outside the account's storage.
/// A trailing <c>/</c> and a wildcard in the last segment are read from the template text, before placeholders are
/// filled: a placeholder's value is always a literal path.
/// </summary>
internal static class EventActionPaths
{
    /// <summary>A rendered, normalised path and what its template says about it.</summary>
    /// <param name="Path">The normalised virtual path (for a pattern: its directory).</param>
    /// <param name="DirectoryMarker">The template ends with <c>/</c> (the contents of a directory, or a target directory).</param>
    /// <param name="Pattern">The wildcard pattern of the last segment, or null for a literal path.</param>
    public readonly record struct ActionPath(string Path, bool DirectoryMarker, string? Pattern);

    /// <summary>Renders and checks <paramref name="template"/>; <see cref="SftpEventActionException"/> when it is not a valid path.</summary>
    public static ActionPath Resolve(SftpEventActionContext context, string? template, bool allowPattern = false)
    {
        if (string.IsNullOrWhiteSpace(template))
        {
            throw new SftpEventActionException("a path is empty");
        }
        string trimmed = template.Trim();
        bool marker = trimmed.Length > 1 && trimmed.EndsWith('/');
        string? pattern = null;
        string directoryTemplate = trimmed;
        if (allowPattern && !marker)
        {
            int slash = trimmed.LastIndexOf('/');
            string last = trimmed[(slash + 1)..];
            if (!last.Contains("{{", StringComparison.Ordinal) && last.IndexOfAny(['*', '?', '[']) >= 0)
            {
                pattern = last;
                directoryTemplate = slash < 0 ? "/" : trimmed[..(slash + 1)];
            }
        }
        string rendered = context.Render(directoryTemplate);
        if (string.IsNullOrWhiteSpace(rendered))
        {
            throw new SftpEventActionException("a path is empty after filling its placeholders");
        }
        if (rendered.Split('/').Any(segment => segment == ".."))
        {
            throw new SftpEventActionException($"the path '{Shorten(rendered)}' has a '..' segment");
        }
        string path;
        try
        {
            path = VirtualPath.Normalize(rendered.StartsWith('/') ? rendered : "/" + rendered);
        }
        catch (VfsException)
        {
            throw new SftpEventActionException($"the path '{Shorten(rendered)}' is not valid");
        }
        return new ActionPath(path, marker, pattern);
    }

    /// <summary>A path shortened for messages (at most 200 characters, control characters replaced).</summary>
    public static string Shorten(string path)
    {
        var clean = new string(path.Select(c => char.IsControl(c) ? '?' : c).ToArray());
        return clean.Length <= 200 ? clean : clean[..197] + "...";
    }

    /// <summary>A failure naming the operation and the virtual path, with the storage's reason in generic words.</summary>
    public static SftpEventActionException Failure(string operation, string path, VfsException exception) =>
        new($"{operation} '{Shorten(path)}' failed: {Reason(exception.Error)}", exception);

    /// <summary>Generic words for a storage error.</summary>
    public static string Reason(VfsError error) => error switch
    {
        VfsError.NotFound => "not found",
        VfsError.PermissionDenied => "permission denied",
        VfsError.AlreadyExists => "already exists",
        VfsError.DirectoryNotEmpty => "directory not empty",
        VfsError.NotADirectory => "not a directory",
        VfsError.IsADirectory => "is a directory",
        VfsError.NoSpace => "no space left",
        VfsError.QuotaExceeded => "quota exceeded",
        VfsError.Unsupported => "not supported by the storage",
        VfsError.InvalidPath => "invalid path",
        VfsError.TransferLimitExceeded => "data-transfer limit reached",
        _ => "storage error",
    };
}
