namespace SftpKit.AspNetCore.Validation;

/// <summary>The shape rules shared by accounts, admins and API keys: names and paths (networks are SftpNetwork's).</summary>
internal static class NameRules
{
    public const int MaxNameLength = 255;
    public const int MaxPathLength = 4096;

    /// <summary>Account and admin names: 1–255 characters, no control characters, no '/' or '\', not '.' or '..', no surrounding spaces.</summary>
    public static string? CheckUserName(string? name)
    {
        if (string.IsNullOrEmpty(name))
        {
            return "is required.";
        }
        if (name.Length > MaxNameLength)
        {
            return $"must be at most {MaxNameLength} characters.";
        }
        if (name.Any(char.IsControl) || name.Contains('/', StringComparison.Ordinal) || name.Contains('\\', StringComparison.Ordinal))
        {
            return "must not contain control characters, '/' or '\\'.";
        }
        if (name is "." or ".." || name.Trim().Length != name.Length)
        {
            return "must not be '.' or '..' or start or end with white space.";
        }
        return null;
    }

    /// <summary>
    /// Normalises a virtual path ("/a//b/./c/" → "/a/b/c"); refuses relative paths, control characters and any ".."
    /// segment (no traversal, not even one that would stay inside the root).
    /// </summary>
    public static bool TryNormalizeVirtualPath(string? path, out string normalized, out string? error)
    {
        normalized = "/";
        error = null;
        if (string.IsNullOrEmpty(path))
        {
            error = "is required.";
            return false;
        }
        if (path.Length > MaxPathLength)
        {
            error = $"must be at most {MaxPathLength} characters.";
            return false;
        }
        if (path[0] != '/')
        {
            error = "must be an absolute virtual path starting with '/'.";
            return false;
        }
        if (path.Any(char.IsControl))
        {
            error = "must not contain control characters.";
            return false;
        }
        var segments = new List<string>();
        foreach (string segment in path.Split('/'))
        {
            if (segment.Length == 0 || segment == ".")
            {
                continue;
            }
            if (segment == "..")
            {
                error = "must not contain '..' segments.";
                return false;
            }
            segments.Add(segment);
        }
        normalized = "/" + string.Join('/', segments);
        return true;
    }

    /// <summary>A directory on the server's disk: absolute, no control characters, no ".." segment.</summary>
    public static string? CheckLocalDirectory(string? path)
    {
        if (string.IsNullOrEmpty(path))
        {
            return "is required.";
        }
        if (path.Length > MaxPathLength)
        {
            return $"must be at most {MaxPathLength} characters.";
        }
        if (path.Any(char.IsControl))
        {
            return "must not contain control characters.";
        }
        if (!Path.IsPathFullyQualified(path))
        {
            return "must be an absolute path.";
        }
        if (path.Split('/', '\\').Any(s => s == ".."))
        {
            return "must not contain '..' segments.";
        }
        return null;
    }
}
